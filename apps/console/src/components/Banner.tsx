import type { ComponentChildren } from 'preact';

/** Amber: something needs a person's attention; red: something is stopped. */
export function Banner({ tone, title, children }: { tone: 'amber' | 'red'; title: string; children?: ComponentChildren }) {
  return (
    <div class={`banner banner-${tone}`} role={tone === 'red' ? 'alert' : 'status'} aria-label={title}>
      <strong>{title}</strong>
      {children ? <span> {children}</span> : null}
    </div>
  );
}

export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}
