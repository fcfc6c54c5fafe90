// The parts of autocannon 9 the benchmark uses (the package ships no typings).
declare module 'autocannon' {
  type Histogram = { average: number; mean: number; stddev: number; min: number; max: number; total: number; p50: number; p99: number };
  type Options = {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    pipelining?: number;
    workers?: number;
  };
  type Result = { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number; duration: number; '2xx': number };
  function autocannon(options: Options): Promise<Result>;
  export = autocannon;
}
