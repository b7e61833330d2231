// The async generator streamSSE hands out: values of a generator of batches, without a generator
// resume per value.

const noop = () => {};

/**
 * An `AsyncGenerator` of the values of a generator of batches. Values already read are handed out
 * from a settled promise, without resuming a generator per value (an async generator's `yield` costs
 * several microtask turns, more than parsing a token-sized event); the batches generator resumes only
 * when its batch is used up, so values still arrive as soon as their read does. `return()` and
 * `throw()` go to the batches generator (closing the body); calls are served in order.
 */
export class Unbatched<T> implements AsyncGenerator<T, void, undefined> {
  readonly #source: AsyncGenerator<readonly T[], void, undefined>;
  #batch: readonly T[] = [];
  #index = 0;
  #done = false;
  /** Settles after the last queued slow call; `#queued` counts those still running. */
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  constructor(source: AsyncGenerator<readonly T[], void, undefined>) {
    this.#source = source;
  }

  next(): Promise<IteratorResult<T, void>> {
    if (this.#queued === 0 && this.#index < this.#batch.length) {
      return Promise.resolve({ value: this.#batch[this.#index++] as T, done: false });
    }
    return this.#enqueue(() => this.#pull());
  }

  return(): Promise<IteratorResult<T, void>> {
    return this.#enqueue(async () => {
      this.#finish();
      await this.#source.return();
      return { value: undefined, done: true };
    });
  }

  throw(error: unknown): Promise<IteratorResult<T, void>> {
    return this.#enqueue(async () => {
      this.#finish();
      await this.#source.throw(error);
      return { value: undefined, done: true };
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  async #pull(): Promise<IteratorResult<T, void>> {
    while (this.#index >= this.#batch.length) {
      if (this.#done) return { value: undefined, done: true };
      let result: IteratorResult<readonly T[], void>;
      try {
        result = await this.#source.next();
      } catch (error) {
        this.#finish();
        throw error;
      }
      if (result.done) {
        this.#finish();
        return { value: undefined, done: true };
      }
      this.#batch = result.value;
      this.#index = 0;
    }
    return { value: this.#batch[this.#index++] as T, done: false };
  }

  #finish(): void {
    this.#done = true;
    this.#batch = [];
    this.#index = 0;
  }

  #enqueue(step: () => Promise<IteratorResult<T, void>>): Promise<IteratorResult<T, void>> {
    this.#queued++;
    const result = this.#tail.then(step).finally(() => {
      this.#queued--;
    });
    this.#tail = result.then(noop, noop);
    return result;
  }
}
