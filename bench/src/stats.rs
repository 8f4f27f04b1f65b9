//! Summaries of per-round samples.

use serde_json::{json, Value};

/// Median, minimum and maximum of `samples` (NaN for none).
pub fn summary(samples: &[f64]) -> (f64, f64, f64) {
    if samples.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    let median = if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    };
    (median, s[0], s[n - 1])
}

pub fn median(samples: &[f64]) -> f64 {
    summary(samples).0
}

/// Rounded for the JSON (the numbers are noisy far above this).
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// `{"samples": [...], "median": m, "min": a, "max": b}`.
pub fn to_json(samples: &[f64], digits: i32) -> Value {
    let (m, lo, hi) = summary(samples);
    json!({
        "samples": samples.iter().map(|&x| round(x, digits)).collect::<Vec<_>>(),
        "median": round(m, digits),
        "min": round(lo, digits),
        "max": round(hi, digits),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(summary(&[3.0, 1.0, 2.0]), (2.0, 1.0, 3.0));
        assert_eq!(summary(&[4.0, 1.0, 2.0, 3.0]), (2.5, 1.0, 4.0));
        assert!(median(&[]).is_nan());
    }
}
