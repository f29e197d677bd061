//! Summary statistics of measured latencies.

/// The median of the finite values; `None` when there are none.
pub fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// How many times faster `hit` is than `miss`.
pub fn acceleration(miss: Option<f64>, hit: Option<f64>) -> Option<f64> {
    match (miss, hit) {
        (Some(m), Some(h)) if h > 0.0 => Some(m / h),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{acceleration, median};

    #[test]
    fn medians_and_ratios() {
        assert_eq!(median([3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median([4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median([]), None);
        assert_eq!(acceleration(Some(14.0), Some(1.0)), Some(14.0));
        assert_eq!(acceleration(Some(1.0), Some(0.0)), None);
    }
}
