//! Entity counts as people type them: `5000`, `12,345`, `10k`, `1.5M`. The
//! command line (`--entities`) and the browser page (`?entities=`) both read
//! counts with [`parse_count`], so that the same text means the same world in
//! both.

/// The largest count [`parse_count`] accepts (the scenario's own limit,
/// checked when it is resized, is lower).
pub const MAX_COUNT: u64 = u32::MAX as u64;

/// Why a text is not an entity count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountError {
    /// Nothing but blanks.
    #[error("an empty count (examples: 5000, 12,345, 10k, 1.5M)")]
    Empty,
    /// Not digits with an optional fraction, group commas and k/M suffix.
    #[error("{0:?} is not a count (examples: 5000, 12,345, 10k, 1.5M)")]
    NotANumber(String),
    /// A fraction of an entity once the suffix is applied (`1.5`, `1.2345k`).
    #[error("{0:?} is not a whole number of entities")]
    NotWhole(String),
    /// Zero or more than [`MAX_COUNT`].
    #[error("{0:?} is out of range (allowed 1 to {MAX_COUNT})")]
    OutOfRange(String),
}

/// Reads an entity count: decimal digits, optionally grouped by commas or
/// underscores in threes (`12,345`, `1_000_000`), optionally with a fraction
/// (`1.5`), optionally followed by `k` (thousand) or `M` (million), either
/// case. The result must be a whole number from 1 to [`MAX_COUNT`].
pub fn parse_count(text: &str) -> Result<u64, CountError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(CountError::Empty);
    }
    let not_a_number = || CountError::NotANumber(text.to_string());
    let (number, multiplier) = match t.as_bytes()[t.len() - 1] {
        b'k' | b'K' => (&t[..t.len() - 1], 1_000u128),
        b'm' | b'M' => (&t[..t.len() - 1], 1_000_000),
        _ => (t, 1),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let whole = ungrouped(whole).ok_or_else(not_a_number)?;
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || (whole.is_empty() && fraction.is_empty()) {
        return Err(not_a_number());
    }
    // Exact integer arithmetic: no float rounds `1.2345k` to a whole number.
    // A fraction of more than six significant digits is never whole, even
    // in millions.
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 6 {
        return Err(CountError::NotWhole(text.to_string()));
    }
    let digits = |s: &str| {
        s.bytes().try_fold(0u128, |n, b| {
            n.checked_mul(10)?.checked_add((b - b'0') as u128)
        })
    };
    let out_of_range = || CountError::OutOfRange(text.to_string());
    let whole = digits(&whole).ok_or_else(out_of_range)?;
    let fraction_units = digits(fraction).expect("six digits at most") * multiplier;
    let scale = 10u128.pow(fraction.len() as u32);
    if fraction_units % scale != 0 {
        return Err(CountError::NotWhole(text.to_string()));
    }
    let n = whole
        .checked_mul(multiplier)
        .and_then(|n| n.checked_add(fraction_units / scale))
        .ok_or_else(out_of_range)?;
    if n == 0 || n > MAX_COUNT as u128 {
        return Err(out_of_range());
    }
    Ok(n as u64)
}

/// The digits of `s` without its group separators, if it is digits grouped
/// in threes by `,` or `_` (one separator kind), or plain digits.
fn ungrouped(s: &str) -> Option<String> {
    let sep = s.chars().find(|c| *c == ',' || *c == '_');
    let Some(sep) = sep else {
        return s.bytes().all(|b| b.is_ascii_digit()).then(|| s.to_string());
    };
    let mut groups = s.split(sep);
    let first = groups.next()?;
    let first_ok = (1..=3).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_digit());
    let mut out = first.to_string();
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        out.push_str(g);
    }
    first_ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::{CountError, MAX_COUNT, parse_count};

    #[test]
    fn counts_people_type() {
        for (text, n) in [
            ("5000", 5000),
            (" 3000 ", 3000),
            ("10k", 10_000),
            ("10K", 10_000),
            ("1M", 1_000_000),
            ("1m", 1_000_000),
            ("1.5m", 1_500_000),
            ("1.5k", 1500),
            ("2.50k", 2500),
            (".5k", 500),
            ("12,345", 12_345),
            ("1,000,000", 1_000_000),
            ("1_000_000", 1_000_000),
            ("12,345k", 12_345_000),
            ("4294967295", MAX_COUNT),
            ("007", 7),
            ("1.", 1),
        ] {
            assert_eq!(parse_count(text), Ok(n), "{text:?}");
        }
    }

    #[test]
    fn bad_counts_say_why() {
        let not_a_number = |s: &str| Err(CountError::NotANumber(s.into()));
        for text in [
            "lots",
            "-5",
            "+5",
            "1e3",
            "inf",
            "NaN",
            "1,5",
            "12,3456",
            ",123",
            "1,000_000",
            "k",
            "1.2.3",
            "10kk",
            "0x10",
            "1 000",
        ] {
            assert_eq!(parse_count(text), not_a_number(text), "{text:?}");
        }
        assert_eq!(parse_count("  "), Err(CountError::Empty));
        for text in [
            "1.5",
            "1.2345k",
            "0.0000001M",
            "1.00000000000000000000000000000000000000000001",
        ] {
            assert_eq!(
                parse_count(text),
                Err(CountError::NotWhole(text.into())),
                "{text:?}"
            );
        }
        for text in [
            "0",
            "0k",
            "0.0",
            "4294967296",
            "5000M",
            "99999999999999999999999999999999999999999",
        ] {
            assert_eq!(
                parse_count(text),
                Err(CountError::OutOfRange(text.into())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn errors_read_as_one_line() {
        let e = parse_count("lots").unwrap_err().to_string();
        assert!(
            e.contains("\"lots\"") && e.contains("10k") && !e.contains('\n'),
            "{e}"
        );
        let e = parse_count("0").unwrap_err().to_string();
        assert!(e.contains("1 to 4294967295"), "{e}");
    }
}
