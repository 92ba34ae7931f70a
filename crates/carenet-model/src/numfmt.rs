//! How every number is written in a CSV: shortest round-trip decimal, no exponent.

/// Float format of every CSV: shortest round-trip representation; NaN and
/// infinities (undefined ratios) are written as empty fields.
pub fn fmt_f64(x: f64) -> String {
    let mut s = String::new();
    write_f64(&mut s, x);
    s
}

/// `x` for people, not for CSVs: `decimals` decimals, thousands separated by commas
/// (`5953764` → `5,953,764`), an ASCII minus, no negative zero; `—` when undefined.
pub fn thousands(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = format!("{:.decimals$}", x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if x < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Appends `x` in the shortest decimal form that reads back as `x`, without an
/// exponent (as Rust's `Display` writes it), and nothing for NaN and
/// infinities. The digits come from `ryu`, several times faster than `Display`
/// on outputs of tens of megabytes; the two differ only in how they break an
/// exact tie in the last digit (both strings read back as `x`).
pub fn write_f64(out: &mut String, x: f64) {
    if !x.is_finite() {
        return;
    }
    let mut buf = ryu::Buffer::new();
    let s = buf.format_finite(x);
    if s.contains('e') {
        use std::fmt::Write as _;
        let _ = write!(out, "{x}");
    } else {
        out.push_str(s.strip_suffix(".0").unwrap_or(s));
    }
}

#[cfg(test)]
mod float_format_tests {
    use super::write_f64;

    fn check(x: f64) {
        let mut s = String::new();
        write_f64(&mut s, x);
        let display = format!("{x}");
        // Reads back exactly, as short as Display, the same form (sign, point, no exponent).
        assert_eq!(s.parse::<f64>().unwrap().to_bits(), x.to_bits(), "{s} for bits {:#x}", x.to_bits());
        assert_eq!(s.len(), display.len(), "{s} vs {display}");
        assert!(!s.contains('e'));
        assert_eq!(s.contains('.'), display.contains('.'), "{s} vs {display}");
        // Digits differ only in an exact tie of the last one.
        if s != display {
            assert_eq!(s[..s.len() - 1], display[..display.len() - 1], "{s} vs {display}");
        }
    }

    /// The fast writer gives what `Display` gives (up to the last digit of an
    /// exact tie), for special values, integers, the model's ranges and random
    /// bit patterns.
    #[test]
    fn write_f64_matches_display() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.5,
            1e-5,
            1e-7,
            123456.0,
            1e15,
            1e16,
            1e21,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
        ] {
            check(x);
        }
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..1_000_000 {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            let bits = f64::from_bits(z);
            if bits.is_finite() {
                check(bits);
            }
            let scaled = (z >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi((z % 12) as i32 - 4);
            check(scaled);
            check((z % 100_000) as f64 / 7.0);
        }
        let mut empty = String::new();
        write_f64(&mut empty, f64::NAN);
        write_f64(&mut empty, f64::INFINITY);
        assert!(empty.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(5_953_764.4, 0), "5,953,764");
        assert_eq!(thousands(723_800.0, 0), "723,800");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(1945.44, 1), "1,945.4");
        assert_eq!(thousands(-1234.5, 1), "-1,234.5");
        assert_eq!(thousands(-0.01, 0), "0");
        assert_eq!(thousands(f64::NAN, 0), "—");
    }
}
