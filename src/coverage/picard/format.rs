//! Number formatting as htsjdk's `FormatUtil` writes metrics files: integers plain, doubles
//! with at most 6 fraction digits rounded half-down on the exact binary value, trailing zeros
//! dropped, no grouping, and `?` for NaN and infinities.

/// Formats `x` as `FormatUtil.format(double)` does.
pub fn double(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() || x > 0.0 {
            "?".into()
        } else {
            "-?".into()
        };
    }
    // The exact decimal expansion of a finite double has at most 1074 fraction digits.
    let exact = format!("{:.1074}", x.abs());
    let (int_part, frac) = exact.split_once('.').unwrap_or((&exact, ""));
    let keep = &frac.as_bytes()[..6];
    let rest = &frac.as_bytes()[6..];
    // half-down: round up only when the dropped part is more than one half
    let up = match rest.first() {
        Some(b'5') => rest[1..].iter().any(|&d| d != b'0'),
        Some(&d) => d > b'5',
        None => false,
    };
    let mut digits: Vec<u8> = int_part.bytes().chain(keep.iter().copied()).collect();
    if up {
        let mut i = digits.len();
        loop {
            if i == 0 {
                digits.insert(0, b'1');
                break;
            }
            i -= 1;
            if digits[i] == b'9' {
                digits[i] = b'0';
            } else {
                digits[i] += 1;
                break;
            }
        }
    }
    let split = digits.len() - 6;
    let int_s = std::str::from_utf8(&digits[..split]).unwrap_or("0");
    let frac_s = std::str::from_utf8(&digits[split..])
        .unwrap_or("")
        .trim_end_matches('0');
    let neg = x < 0.0 && (int_s.bytes().any(|d| d != b'0') || !frac_s.is_empty());
    let sign = if neg { "-" } else { "" };
    if frac_s.is_empty() {
        format!("{sign}{int_s}")
    } else {
        format!("{sign}{int_s}.{frac_s}")
    }
}

#[cfg(test)]
mod tests {
    use super::double;

    #[test]
    fn matches_java_format_util() {
        assert_eq!(double(0.0), "0");
        assert_eq!(double(1.0), "1");
        assert_eq!(double(17.990291262135923), "17.990291");
        assert_eq!(double(0.75), "0.75");
        assert_eq!(double(f64::NAN), "?");
        assert_eq!(double(f64::INFINITY), "?");
        assert_eq!(double(-1.0), "-1");
        // exact ties go down (3/128 = 0.0234375), above-ties go up
        assert_eq!(double(3.0 / 128.0), "0.023437");
        assert_eq!(double(0.0234376), "0.023438");
        assert_eq!(double(0.9999999), "1");
        assert_eq!(double(123456.5), "123456.5");
    }
}
