import { groupCommit } from './group-commit';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('calls made while a flush is in flight share the next flush, each getting its own answer', async () => {
  const batches: number[][] = [];
  const write = groupCommit(async (inputs: number[]) => {
    batches.push(inputs);
    await tick();
    return inputs.map((n) => n * 10);
  });
  const answers = await Promise.all([1, 2, 3, 4].map((n) => write(n)));
  expect(answers).toEqual([10, 20, 30, 40]);
  expect(batches).toEqual([[1], [2, 3, 4]]);
});

test('a failed flush rejects exactly the callers of that batch; later calls flush again', async () => {
  let calls = 0;
  const write = groupCommit(async (inputs: string[]) => {
    calls += 1;
    await tick();
    if (calls === 2) throw new Error('database down');
    return inputs;
  });
  const first = write('a');
  const failing = [write('b'), write('c')];
  await expect(first).resolves.toBe('a');
  await expect(Promise.all(failing)).rejects.toThrow('database down');
  await expect(write('d')).resolves.toBe('d');
});

test('batches never exceed maxBatch', async () => {
  const sizes: number[] = [];
  const write = groupCommit(async (inputs: number[]) => {
    sizes.push(inputs.length);
    await tick();
    return inputs;
  }, 2);
  await Promise.all([1, 2, 3, 4, 5, 6].map((n) => write(n)));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(6);
});
