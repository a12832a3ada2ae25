//! The library's version, as a string and as a number (`PP_VERSION_NUMBER` in the header).

use std::ffi::{CStr, c_char};

/// `MAJOR * 10000 + MINOR * 100 + PATCH` of `version` ("0.1.0" gives 100); `None` when a part
/// is missing, not a number, or minor or patch is 100 or more (the scheme holds two digits).
const fn version_number(version: &str) -> Option<u32> {
    let b = version.as_bytes();
    let (mut parts, mut n, mut i, mut digits) = ([0u32; 3], 0, 0, 0);
    while i < b.len() && n < 3 {
        match b[i] {
            d @ b'0'..=b'9' => {
                parts[n] = parts[n] * 10 + (d - b'0') as u32;
                digits += 1;
            }
            b'.' if digits > 0 => {
                n += 1;
                digits = 0;
            }
            _ => break,
        }
        i += 1;
    }
    if n == 2 && digits > 0 {
        n = 3;
    }
    if n != 3 || parts[1] >= 100 || parts[2] >= 100 {
        return None;
    }
    Some(parts[0] * 10000 + parts[1] * 100 + parts[2])
}

const VERSION_NUMBER: u32 = match version_number(env!("CARGO_PKG_VERSION")) {
    Some(v) => v,
    None => panic!("the version must be MAJOR.MINOR.PATCH with MINOR and PATCH below 100"),
};

/// The library version, e.g. "0.1.0" (the same as the `PP_VERSION_*` macros of the header the
/// program was compiled with, unless a different library is linked at run time).
///
/// Ownership: a static string; do not free it. Never NULL. Does not change the last error.
#[unsafe(no_mangle)]
pub extern "C" fn pp_version() -> *const c_char {
    static VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(v) => v,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// The library version as one number, `MAJOR * 10000 + MINOR * 100 + PATCH` (0.1.0 is 100,
/// 1.2.3 is 10203), to compare with the header's `PP_VERSION_NUMBER` as zlib's `ZLIB_VERNUM`
/// or htslib's `HTS_VERSION`: a program built against header version H runs with a library
/// of version L when they have the same major version and L >= H (see the README's
/// versioning policy). Does not change the last error.
#[unsafe(no_mangle)]
pub extern "C" fn pp_version_number() -> u32 {
    VERSION_NUMBER
}

#[cfg(test)]
mod tests {
    use super::version_number;

    #[test]
    fn version_numbers() {
        assert_eq!(version_number("0.1.0"), Some(100));
        assert_eq!(version_number("1.2.3"), Some(10203));
        assert_eq!(version_number("12.34.56-rc.1"), Some(123456));
        assert_eq!(version_number("1.100.0"), None);
        assert_eq!(version_number("1.2"), None);
        assert_eq!(version_number("1..2"), None);
        assert_eq!(version_number("x"), None);
    }
}

super::symver::versions!("version.rs");
