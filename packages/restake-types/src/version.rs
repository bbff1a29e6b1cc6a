//! The checks every restake contract's `migrate` makes on the name and version cw2 stored:
//! the same contract only, never to an older version, never twice to the same one. One
//! implementation for the hub, the vault, the example service and the v0.1 converter; each
//! maps a [`VersionRefusal`] to its own error type.

/// `major.minor.patch[-pre][+build]`, ordered as semver orders them: a pre-release comes
/// before its release, pre-releases compare identifier by identifier (numbers as numbers,
/// before words), and build metadata is ignored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    numbers: (u64, u64, u64),
    /// `Some` for a release, `None` for a pre-release: a release sorts after every
    /// pre-release of the same numbers.
    release: Option<()>,
    pre: Vec<Identifier>,
}

/// One dot-separated part of a pre-release: numbers sort before words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Identifier {
    Number(u64),
    Word(String),
}

impl Version {
    /// `None` when `v` is not `major.minor.patch[-pre][+build]`: numbers are digits without
    /// leading zeros that fit a u64, pre-release and build identifiers are non-empty ASCII
    /// letters, digits and hyphens.
    pub fn parse(v: &str) -> Option<Version> {
        let (v, build) = match v.split_once('+') {
            Some((v, build)) => (v, Some(build)),
            None => (v, None),
        };
        if build.is_some_and(|b| !b.split('.').all(identifier)) {
            return None;
        }
        let (core, pre) = match v.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (v, None),
        };
        let mut parts = core.split('.').map(number);
        let numbers = (parts.next()??, parts.next()??, parts.next()??);
        if parts.next().is_some() {
            return None;
        }
        let pre = match pre {
            None => vec![],
            Some(p) => p
                .split('.')
                .map(|id| match number(id) {
                    _ if !identifier(id) => None,
                    Some(n) => Some(Identifier::Number(n)),
                    None if id.bytes().all(|b| b.is_ascii_digit()) => None,
                    None => Some(Identifier::Word(id.to_string())),
                })
                .collect::<Option<_>>()?,
        };
        Some(Version {
            numbers,
            release: pre.is_empty().then_some(()),
            pre,
        })
    }
}

/// A semver number: ASCII digits, no sign, no leading zero.
fn number(s: &str) -> Option<u64> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits && (s == "0" || !s.starts_with('0')))
        .then(|| s.parse().ok())
        .flatten()
}

/// A pre-release or build identifier: non-empty, ASCII letters, digits and hyphens.
fn identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Why a migration is refused. Each contract turns it into its own error (same names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionRefusal {
    /// The stored contract name is another contract's.
    WrongContract { expected: String, found: String },
    /// The stored version is newer than this code's.
    Downgrade { from: String, to: String },
    /// The stored version is this code's: the migration was applied already.
    AlreadyMigrated { version: String },
    /// A version (stored or this code's) is not `major.minor.patch[-pre][+build]`.
    NotAVersion { version: String },
}

/// Checks a migration of the contract cw2 recorded as (`stored_name`, `stored_version`) to
/// the code named `name` at `version`: the same name, and a strictly newer version.
pub fn check_upgrade(
    stored_name: &str,
    stored_version: &str,
    name: &str,
    version: &str,
) -> Result<(), VersionRefusal> {
    if stored_name != name {
        return Err(VersionRefusal::WrongContract {
            expected: name.to_string(),
            found: stored_name.to_string(),
        });
    }
    let from = parse(stored_version)?;
    let to = parse(version)?;
    if from > to {
        return Err(VersionRefusal::Downgrade {
            from: stored_version.to_string(),
            to: version.to_string(),
        });
    }
    if from == to {
        return Err(VersionRefusal::AlreadyMigrated {
            version: stored_version.to_string(),
        });
    }
    Ok(())
}

/// [`Version::parse`], refusing what is not a version.
pub fn parse(v: &str) -> Result<Version, VersionRefusal> {
    Version::parse(v).ok_or_else(|| VersionRefusal::NotAVersion {
        version: v.to_string(),
    })
}

/// `impl From<VersionRefusal> for $error`, for a contract error type with the variants
/// `WrongContract { expected, found }`, `Downgrade { from, to }` and
/// `AlreadyMigrated { version }` and an `invalid(field, reason)` constructor (the hub's, the
/// vault's and the example service's): `restake_types::version_refusal_into!(ContractError);`
#[macro_export]
macro_rules! version_refusal_into {
    ($error:ty) => {
        impl From<$crate::version::VersionRefusal> for $error {
            fn from(refusal: $crate::version::VersionRefusal) -> Self {
                use $crate::version::VersionRefusal as R;
                match refusal {
                    R::WrongContract { expected, found } => Self::WrongContract { expected, found },
                    R::Downgrade { from, to } => Self::Downgrade { from, to },
                    R::AlreadyMigrated { version } => Self::AlreadyMigrated { version },
                    R::NotAVersion { version } => Self::invalid(
                        "version",
                        format!("{version} is not major.minor.patch[-pre][+build]"),
                    ),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_as_semver() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("0.1.0") < v("0.2.0-layout"));
        assert!(v("0.2.0-layout") < v("0.2.0"));
        assert!(v("0.2.0-alpha") < v("0.2.0-beta"));
        assert!(v("0.2.0-alpha.2") < v("0.2.0-alpha.10"));
        assert!(v("0.2.0-1") < v("0.2.0-alpha"));
        assert!(v("0.2.0-alpha") < v("0.2.0-alpha.1"));
        assert!(v("0.2.0") < v("0.10.0"));
        assert!(v("0.2.0") == v("0.2.0"));
        assert!(v("0.2.1+build.5") == v("0.2.1"));
        assert!(v("0.2.0-rc.1+x") < v("0.2.0"));
        assert!(v("1.0.0-rc.1+b-2") == v("1.0.0-rc.1"));
        assert!(v("1.0.0-x-y") < v("1.0.0-x-z"));
        for bad in [
            "0.2",
            "x.1.2",
            "0.2.0-",
            "0.2.0-a..b",
            "1.2.3.4",
            "",
            "+0.2.0",
            "0.+2.0",
            "0.02.0",
            "01.0.0",
            "0.2.0-01",
            "0.2.0+",
            "0.2.0+a..b",
            "0.2.0+a+b",
            "0.2.0+_",
            "0.2.0-a_b",
            "0.2.0-a b",
            "0.2.0-\u{e9}",
            "0.2.0-18446744073709551616",
        ] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn upgrades_only_forward_within_one_contract() {
        let check = |name: &str, from: &str| check_upgrade(name, from, "crates.io:a", "0.2.0");
        assert_eq!(check("crates.io:a", "0.1.0"), Ok(()));
        assert_eq!(check("crates.io:a", "0.2.0-layout"), Ok(()));
        assert_eq!(
            check("crates.io:b", "0.1.0"),
            Err(VersionRefusal::WrongContract {
                expected: "crates.io:a".into(),
                found: "crates.io:b".into()
            })
        );
        assert_eq!(
            check("crates.io:a", "0.10.0"),
            Err(VersionRefusal::Downgrade {
                from: "0.10.0".into(),
                to: "0.2.0".into()
            })
        );
        assert_eq!(
            check("crates.io:a", "0.2.0"),
            Err(VersionRefusal::AlreadyMigrated {
                version: "0.2.0".into()
            })
        );
        assert_eq!(
            check("crates.io:a", "two"),
            Err(VersionRefusal::NotAVersion {
                version: "two".into()
            })
        );
    }
}
