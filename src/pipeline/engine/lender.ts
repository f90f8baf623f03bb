/** A fixed set of things (buffers, handles) lent out one at a time. */
export class Lender<T> {
  private readonly free: T[];
  private readonly waiting: { resolve: (t: T) => void; reject: (e: unknown) => void }[] = [];
  private failure: unknown = null;
  lent = 0;
  constructor(items: T[]) {
    this.free = [...items];
  }
  get available(): number {
    return this.free.length;
  }
  /** Takes back every thing not lent out. */
  drain(): T[] {
    return this.free.splice(0);
  }
  /** Adds one more thing to lend. */
  add(t: T): void {
    this.lent++;
    this.release(t);
  }
  acquire(): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const t = this.free.pop();
    if (t !== undefined) return Promise.resolve(this.lend(t));
    return new Promise((resolve, reject) => this.waiting.push({ resolve: (x) => resolve(this.lend(x)), reject }));
  }
  release(t: T): void {
    this.lent--;
    const w = this.waiting.shift();
    if (w) w.resolve(t);
    else this.free.push(t);
  }
  fail(err: unknown): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
  private lend(t: T): T {
    this.lent++;
    return t;
  }
}
