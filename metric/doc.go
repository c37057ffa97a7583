// Package metric is hotbench's metric vocabulary: the names a scenario, a
// gate, a compare row and a report use for what was measured, what each
// name means (its quantile, its direction, its unit), and the one formatter
// every package prints values with, so that the same value reads the same
// in the command's summary, compare tables, Markdown, HTML and charts.
//
// # Names
//
// The metrics are the latencies (any percentile, mean, max), rps,
// error_rate, cpu_per_req and alloc_per_req, and the profile shares of
// hotspot functions (cpu_share:FUNC, alloc_share:FUNC).
//
// A percentile is written pN or pN.N: p50, p75, p95, p99.9, p99.99. It is
// above p0 and below p100 (max is the largest latency), has at most three
// decimals (p99.999), and is written without leading zeros (p5, p0.5) or
// trailing ones (p99.9, not p99.90). Its name is its key in JSON, gate
// policies and compare rows; its quantile is the percentile over 100
// (p95 → 0.95).
//
// One percentile has two spellings: the 0.999 quantile is named p999, as
// stored runs, JSON output and older scenarios name it, and p99.9 is
// accepted as the same metric (Parse returns p999). Every other percentile
// with decimals keeps its dot (p99.99 is the 0.9999 quantile); digits
// without a dot other than p999 (p9999) are refused with the dotted form
// suggested. Label is the form for people: p999 reads "p99.9".
//
// A policy key names a metric for every endpoint ("p99") or for one
// ("search.p99.9"); SplitKey splits the two, also when the metric has a dot.
//
// # Direction and units
//
// Lower is better for every metric but rps. Each metric has a unit class:
// latencies and cpu_per_req are Seconds, error_rate and profile shares are
// Fractions (0.001 is 0.1 %), rps is a Rate in requests per second,
// alloc_per_req is Bytes. Benchfmt names the unit under which
// `hotbench export --format benchfmt` writes a metric: p95-latency-sec,
// req/s, errors/req, cpu-sec/req, B/req.
//
// # Formatting
//
// Format writes one value in its class, by one rule:
//
//   - three significant digits, trailing zeros kept, with the unit picked
//     per value so that the number reads between 1 and 1000 where the
//     class has units: 850µs, 9.66ms, 12.3ms, 1.50s; an integer part is
//     never rounded (12345 req/s), and a value that would round up to
//     1000 of a unit takes the next one (999.7ms is 1.00s);
//   - seconds in ns, µs, ms or s; bytes in B, KiB, MiB, GiB or TiB
//     (powers of 1024); fractions, relative changes (Delta) and changes
//     of a fraction (Points, in percentage points) as percentages; rates
//     in req/s; counts as integers with thousands separators (20,000);
//   - symbols follow the number without a space (1.50s, 0.100%, 64.0KiB);
//     words after a space (200 req/s, +4.17 pp);
//   - zero is 0 in the class's base unit (0s, 0%, 0B, 0 req/s, 0 pp);
//   - a negative value keeps its sign; Delta and Points also print a plus
//     sign for a rise (+4.10%, -76.0%);
//   - NaN is n/a, infinities ∞ and -∞; a magnitude below a thousandth of
//     the smallest unit is written with an exponent (1.00e-06ns).
//
// Because the unit is chosen per value, one column of a table can mix
// 850µs and 9.66ms, but a value never prints as 5495µs. A chart's axis
// needs one unit for all its ticks: ScaleOf picks the unit Format gives the
// largest value.
package metric
