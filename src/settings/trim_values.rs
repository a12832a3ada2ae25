//! The value enums of the trimming settings: `--adapter_preset` and `--umi_loc` by name, with
//! the spellings of the CLI, the C API's JSON and the upload manifest's `params`.
//!
//! One table of names per enum gives its `FromStr`, `Display`, serde (a JSON string) and, with
//! the `cli` feature, `clap::ValueEnum`. An unknown name fails naming the option and the
//! accepted names.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::trim::{AdapterPreset, UmiLoc};

/// For an enum with `ALL` and `name`: `FromStr` (an unknown name names `$option` and the
/// accepted names; `$ignore_case` compares ASCII case-insensitively), `Display`, serde as the
/// name, and `clap::ValueEnum` (an empty name is accepted but not shown).
macro_rules! by_name {
    ($ty:ty, $option:literal, ignore_case: $ignore_case:literal) => {
        impl std::str::FromStr for $ty {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                let same = |n: &str| {
                    if $ignore_case {
                        n.eq_ignore_ascii_case(s)
                    } else {
                        n == s
                    }
                };
                <$ty>::ALL
                    .into_iter()
                    .find(|v| same(v.name()))
                    .ok_or_else(|| {
                        format!(
                            "unknown {} {s:?} (accepted: {})",
                            $option,
                            <$ty>::accepted()
                        )
                    })
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.name())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?.parse().map_err(D::Error::custom)
            }
        }

        #[cfg(feature = "cli")]
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &<$ty>::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                let value = clap::builder::PossibleValue::new(self.name());
                Some(value.hide(self.name().is_empty()))
            }
        }

        impl $ty {
            /// The accepted names, comma-separated (the empty one left out).
            pub fn accepted() -> String {
                <$ty>::ALL
                    .iter()
                    .map(|v| v.name())
                    .filter(|n| !n.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
    };
}

/// An adapter preset by name (`--adapter_preset`, JSON `"adapter_preset"`): the preset itself,
/// read and written by [`AdapterPreset::name`] in any ASCII case (`TruSeq` is `truseq`).
pub type AdapterPresetName = AdapterPreset;

by_name!(AdapterPreset, "--adapter_preset", ignore_case: true);

/// Where the UMI is read from, by name (`--umi_loc`, JSON `"umi_loc"`): the names of
/// [`UmiLoc`], fastp's, and [`UmiLocName::Unset`] (`""`, fastp's default) until one is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UmiLocName {
    /// `""`: no location given; `-U/--umi` then fails.
    #[default]
    Unset,
    /// `index1`: the first index in read 1's name comment.
    Index1,
    /// `index2`: the second index in read 2's name comment.
    Index2,
    /// `read1`: the first bases of read 1.
    Read1,
    /// `read2`: the first bases of read 2.
    Read2,
    /// `per_index`: each mate's own index.
    PerIndex,
    /// `per_read`: each mate's first bases.
    PerRead,
    /// `index_file`: a UMI index-read file (`--umi_index_file`).
    IndexFile,
}

impl UmiLocName {
    /// Every name, [`UmiLocName::Unset`] first.
    pub const ALL: [UmiLocName; 8] = [
        UmiLocName::Unset,
        UmiLocName::Index1,
        UmiLocName::Index2,
        UmiLocName::Read1,
        UmiLocName::Read2,
        UmiLocName::PerIndex,
        UmiLocName::PerRead,
        UmiLocName::IndexFile,
    ];

    /// The name as the CLI and JSON spell it (fastp's).
    pub fn name(self) -> &'static str {
        match self {
            UmiLocName::Unset => "",
            UmiLocName::Index1 => "index1",
            UmiLocName::Index2 => "index2",
            UmiLocName::Read1 => "read1",
            UmiLocName::Read2 => "read2",
            UmiLocName::PerIndex => "per_index",
            UmiLocName::PerRead => "per_read",
            UmiLocName::IndexFile => "index_file",
        }
    }

    /// The location, `None` when unset.
    pub fn loc(self) -> Option<UmiLoc> {
        Some(match self {
            UmiLocName::Unset => return None,
            UmiLocName::Index1 => UmiLoc::Index1,
            UmiLocName::Index2 => UmiLoc::Index2,
            UmiLocName::Read1 => UmiLoc::Read1,
            UmiLocName::Read2 => UmiLoc::Read2,
            UmiLocName::PerIndex => UmiLoc::PerIndex,
            UmiLocName::PerRead => UmiLoc::PerRead,
            UmiLocName::IndexFile => UmiLoc::IndexFile,
        })
    }
}

by_name!(UmiLocName, "--umi_loc", ignore_case: false);

impl From<UmiLoc> for UmiLocName {
    fn from(l: UmiLoc) -> Self {
        match l {
            UmiLoc::Index1 => UmiLocName::Index1,
            UmiLoc::Index2 => UmiLocName::Index2,
            UmiLoc::Read1 => UmiLocName::Read1,
            UmiLoc::Read2 => UmiLocName::Read2,
            UmiLoc::PerIndex => UmiLocName::PerIndex,
            UmiLoc::PerRead => UmiLocName::PerRead,
            UmiLoc::IndexFile => UmiLocName::IndexFile,
        }
    }
}
