// A log-bucketed latency histogram: constant memory whatever the sample count, mergeable across
// processes (plain JSON), 1 % relative precision. Values are milliseconds.

/** Bucket growth factor: a reported percentile is within 1 % of the true sample. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Smallest resolved value, in ms (1 µs); anything below lands in bucket 0. */
const FLOOR_MS = 0.001;
/** 1 µs … ~10 min at 1 % steps. */
const BUCKETS = 2100;

export interface HistogramData {
  counts: number[];
  n: number;
  sum: number;
  min: number;
  max: number;
}

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  n = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  record(ms: number): void {
    const v = ms < FLOOR_MS ? FLOOR_MS : ms;
    let i = Math.floor(Math.log(v / FLOOR_MS) / LOG_GROWTH);
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.counts[i]!++;
    this.n++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  merge(other: HistogramData | Histogram): this {
    const data = other instanceof Histogram ? other.toJSON() : other;
    if (data.n === 0) return this;
    for (let i = 0; i < data.counts.length; i++) this.counts[i]! += data.counts[i] ?? 0;
    this.n += data.n;
    this.sum += data.sum;
    this.min = Math.min(this.min, data.min);
    this.max = Math.max(this.max, data.max);
    return this;
  }

  /** The value below which `q` (0..1) of the samples fall; the bucket's geometric middle. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.ceil(q * this.n);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const middle = FLOOR_MS * GROWTH ** (i + 0.5);
        return Math.min(Math.max(middle, this.min), this.max);
      }
    }
    return this.max;
  }

  summary(): Summary {
    return {
      n: this.n,
      mean: this.n ? this.sum / this.n : NaN,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      max: this.n ? this.max : NaN,
    };
  }

  toJSON(): HistogramData {
    // Trailing empty buckets are dropped: most histograms end well below a second.
    let last = BUCKETS - 1;
    while (last >= 0 && this.counts[last] === 0) last--;
    return {
      counts: Array.from(this.counts.subarray(0, last + 1)),
      n: this.n,
      sum: this.sum,
      min: this.min,
      max: this.max,
    };
  }

  static from(data: HistogramData): Histogram {
    return new Histogram().merge(data);
  }
}
