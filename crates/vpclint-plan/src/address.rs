//! Terraform resource instance addresses: `module.a["x"].module.b.aws_subnet.private[2]`.
//!
//! Also parses the reference strings Terraform writes into `configuration` (`aws_x.y[0].id`,
//! `module.m["k"].out`, `each.value.id`), which share the same traversal syntax.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

/// The instance key of a resource or module instance: an int for `count`, a string for `for_each`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    Int(i64),
    Str(String),
}

impl InstanceKey {
    /// Reads the `index` Terraform writes beside an address (a number or a string).
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        match value {
            serde_json::Value::Number(n) => n.as_i64().map(InstanceKey::Int),
            serde_json::Value::String(s) => Some(InstanceKey::Str(s.clone())),
            _ => None,
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => {
                f.write_str("[")?;
                // Terraform quotes keys like JSON strings.
                f.write_str(&serde_json::to_string(s).map_err(|_| fmt::Error)?)?;
                f.write_str("]")
            }
        }
    }
}

/// One `module.NAME[KEY]` step of a module path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleStep {
    pub name: String,
    pub key: Option<InstanceKey>,
}

/// The module instance a resource lives in; empty for the root module.
///
/// Its steps are shared: the instances of one module instance, parsed one after another, hold one
/// allocation of them ([`Address::parse`]), cloning a path costs no copy, and two paths that share
/// it compare equal without looking at their steps.
#[derive(Debug, Clone, Default)]
pub struct ModulePath(pub Arc<[ModuleStep]>);

// By the steps, as equality compares them (sharing them is only a shortcut).
impl std::hash::Hash for ModulePath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl PartialEq for ModulePath {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl Eq for ModulePath {}

impl Ord for ModulePath {
    fn cmp(&self, other: &Self) -> Ordering {
        if Arc::ptr_eq(&self.0, &other.0) {
            return Ordering::Equal;
        }
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for ModulePath {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl ModulePath {
    pub fn root() -> Self {
        ModulePath::default()
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    pub fn parent(&self) -> Option<(ModulePath, &ModuleStep)> {
        let (last, rest) = self.0.split_last()?;
        Some((ModulePath(rest.into()), last))
    }

    pub fn child(&self, name: &str, key: Option<InstanceKey>) -> ModulePath {
        let mut steps = self.0.to_vec();
        steps.push(ModuleStep {
            name: name.to_string(),
            key,
        });
        ModulePath(steps.into())
    }

    /// Parses `module.a["x"].module.b` (the `module_address` of a resource change).
    pub fn parse(text: &str) -> Option<ModulePath> {
        if text.is_empty() {
            return Some(ModulePath::root());
        }
        let mut segments = parse_traversal(text)?.into_iter().peekable();
        let path = ModulePath::take_from(&mut segments)?;
        segments.next().is_none().then_some(path)
    }

    /// Takes the `module.NAME[KEY]` steps that `segments` starts with; `None` when one is cut
    /// short.
    fn take_from<'t>(
        segments: &mut std::iter::Peekable<impl Iterator<Item = Segment<'t>>>,
    ) -> Option<ModulePath> {
        let mut steps = Vec::new();
        while segments
            .next_if(|s| *s == Segment::Attr("module"))
            .is_some()
        {
            let Some(Segment::Attr(name)) = segments.next() else {
                return None;
            };
            let key = match segments.next_if(|s| matches!(s, Segment::Index(_))) {
                Some(Segment::Index(k)) => Some(k),
                _ => None,
            };
            steps.push(ModuleStep {
                name: name.to_string(),
                key,
            });
        }
        if steps.is_empty() {
            return Some(ModulePath::root());
        }
        Some(ModulePath(steps.into()))
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}", step.name)?;
            if let Some(key) = &step.key {
                write!(f, "{key}")?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Managed,
    Data,
}

/// A parsed resource instance address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    pub module: ModulePath,
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    pub key: Option<InstanceKey>,
}

thread_local! {
    /// The module path of the last address parsed on this thread that had one, and its text.
    static LAST_MODULE: RefCell<(String, ModulePath)> = RefCell::default();
}

impl Address {
    /// Parses a full instance address. Returns `None` for text that is not one.
    pub fn parse(text: &str) -> Option<Address> {
        // Read for every instance of a plan: the segments borrow the text, and only what the
        // address keeps is allocated. Addresses read one after another mostly share their module
        // path: when `text` starts with the last one's text and a `.`, its path is that one (the
        // traversal reads the same steps up to there, and a step ends at the `.`), and only the
        // rest is read, unless it has module steps of its own.
        let shared = LAST_MODULE.with_borrow(|(prefix, module)| {
            let rest = text.strip_prefix(prefix.as_str())?.strip_prefix('.')?;
            (!prefix.is_empty()).then(|| (rest, module.clone()))
        });
        if let Some((rest, module)) = shared {
            let mut segments = parse_traversal(rest)?.into_iter().peekable();
            if segments.peek() != Some(&Segment::Attr("module")) {
                return Address::parse_local(module, segments);
            }
        }
        let mut segments = parse_traversal(text)?.into_iter().peekable();
        let module = ModulePath::take_from(&mut segments)?;
        if let Some(Segment::Attr(next)) = segments.peek() {
            // The module's text ends at the `.` before the segment that follows it.
            let end = (next.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
            if !module.is_root() && end > 0 && end <= text.len() {
                LAST_MODULE.with_borrow_mut(|(prefix, last)| {
                    prefix.clear();
                    prefix.push_str(&text[..end - 1]);
                    *last = module.clone();
                });
            }
        }
        Address::parse_local(module, segments)
    }

    /// The address in `module` whose local part (`data.aws_x.y[0]`) is `segments`.
    fn parse_local<'t>(
        module: ModulePath,
        mut segments: std::iter::Peekable<impl Iterator<Item = Segment<'t>>>,
    ) -> Option<Address> {
        let mode = match segments.next_if(|s| *s == Segment::Attr("data")) {
            Some(_) => Mode::Data,
            None => Mode::Managed,
        };
        let (Some(Segment::Attr(rtype)), Some(Segment::Attr(name))) =
            (segments.next(), segments.next())
        else {
            return None;
        };
        let key = match segments.next() {
            None => None,
            Some(Segment::Index(k)) => Some(k),
            Some(Segment::Attr(_)) => return None,
        };
        if segments.next().is_some() || !is_identifier(rtype) || !is_identifier(name) {
            return None;
        }
        Some(Address {
            module,
            mode,
            rtype: rtype.to_string(),
            name: name.to_string(),
            key,
        })
    }

    /// `aws_subnet.a` or `data.aws_vpc.main`: the resource's address inside its module, no key.
    pub fn local_resource(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.rtype, self.name),
            Mode::Data => format!("data.{}.{}", self.rtype, self.name),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        if self.mode == Mode::Data {
            f.write_str("data.")?;
        }
        write!(f, "{}.{}", self.rtype, self.name)?;
        if let Some(key) = &self.key {
            write!(f, "{key}")?;
        }
        Ok(())
    }
}

/// One step of a traversal: `.name` (borrowed from the text) or `[key]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    Attr(&'a str),
    Index(InstanceKey),
}

fn is_identifier(s: &str) -> bool {
    // By bytes: a character outside ASCII fails either way, as each of its bytes does.
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Splits `a.b[0]["k"].c` into segments. Returns `None` on malformed text.
pub fn parse_traversal(text: &str) -> Option<Vec<Segment<'_>>> {
    let bytes = text.as_bytes();
    // Room for `module.m["k"].module.n[0].aws_x.y["k"]` from the start.
    let mut segments = Vec::with_capacity(8);
    let mut i = 0;
    let mut expect_name = true;
    while i < bytes.len() {
        match bytes[i] {
            b'.' if !expect_name => {
                i += 1;
                expect_name = true;
            }
            b'[' => {
                let (key, next) = parse_index(text, i + 1)?;
                segments.push(Segment::Index(key));
                i = next;
                expect_name = false;
            }
            _ if expect_name => {
                let start = i;
                i = memchr::memchr2(b'.', b'[', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                let name = &text[start..i];
                if name.is_empty() || name.bytes().any(|b| matches!(b, b'"' | b']' | b' ')) {
                    return None;
                }
                segments.push(Segment::Attr(name));
                expect_name = false;
            }
            _ => return None,
        }
    }
    if expect_name || segments.is_empty() {
        return None;
    }
    Some(segments)
}

/// Parses an index body starting after `[`; returns the key and the position after `]`.
fn parse_index(text: &str, start: usize) -> Option<(InstanceKey, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(start) == Some(&b'"') {
        // A JSON-style quoted string; find the closing quote, honouring escapes.
        let mut i = start + 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        if i >= bytes.len() || bytes.get(i + 1) != Some(&b']') {
            return None;
        }
        // Without escapes or control characters, serde_json would give the text between the
        // quotes as it is: most keys, read for every instance of a large plan.
        let inner = &text[start + 1..i];
        let key: String = match inner.bytes().any(|b| b == b'\\' || b < 0x20) {
            true => serde_json::from_str(&text[start..=i]).ok()?,
            false => inner.to_string(),
        };
        Some((InstanceKey::Str(key), i + 2))
    } else {
        let end = start + text[start..].find(']')?;
        let key = text[start..end].trim().parse::<i64>().ok()?;
        Some((InstanceKey::Int(key), end + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An address parsed after another reads the same whatever the other was, and shares the
    /// other's module path when it is the same module instance.
    #[test]
    fn addresses_read_one_after_another_share_their_module_path() {
        let texts = [
            "module.a.aws_x.y",
            "module.a.aws_x.z[0]",
            "module.a.data.aws_x.y",
            "module.a.module.b.aws_x.y",
            "module.a.module",
            "module.a.aws_x",
            "module.a.",
            "module.ab.aws_x.y",
            "module.a[\"x.y\"].aws_x.y",
            "module.a[\"x\"].aws_x.y",
            "module.a[\"x\"].aws_x.y[\"k\"]",
            "module.a[\"x\"]",
            "module.a[0].aws_x.y",
            "module.a[0][1].aws_x.y",
            "aws_x.y",
            "data.aws_x.y",
            "module.a.module.b",
        ];
        let fresh = |text: &str| {
            LAST_MODULE.with_borrow_mut(|last| *last = Default::default());
            Address::parse(text)
        };
        for before in texts {
            for text in texts {
                fresh(before);
                assert_eq!(Address::parse(text), fresh(text), "{text} after {before}");
            }
        }
        fresh("module.a[\"x\"].aws_x.y");
        let (a, b) = (
            Address::parse("module.a[\"x\"].aws_x.y").unwrap(),
            Address::parse("module.a[\"x\"].aws_y.z[1]").unwrap(),
        );
        assert!(Arc::ptr_eq(&a.module.0, &b.module.0));
        assert_eq!(b.to_string(), "module.a[\"x\"].aws_y.z[1]");
    }

    #[test]
    fn parses_and_prints_nested_addresses() {
        for text in [
            "aws_vpc.this",
            "aws_subnet.private[2]",
            "data.aws_vpc.main",
            r#"module.a["x"].module.b.aws_subnet.private[2]"#,
            r#"module.vpc[0].aws_route_table.private["eu-west-1a"]"#,
            r#"aws_subnet.this["a.b[c]\"d"]"#,
        ] {
            let address = Address::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(address.to_string(), text);
        }
        let a = Address::parse(r#"module.a["x"].module.b.aws_subnet.private[2]"#).unwrap();
        let calls: Vec<&str> = a.module.0.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(calls, vec!["a", "b"]);
        assert_eq!(a.key, Some(InstanceKey::Int(2)));
        assert_eq!(a.local_resource(), "aws_subnet.private");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for text in [
            "",
            "aws_vpc",
            "module.a",
            "aws_vpc.this.id",
            "aws_vpc.[0]",
            "aws_vpc.a[",
            "aws_vpc.a[\"x]",
            "1aws.b",
        ] {
            assert!(Address::parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn parses_module_paths() {
        let p = ModulePath::parse(r#"module.a["x"].module.b"#).unwrap();
        assert_eq!(p.to_string(), r#"module.a["x"].module.b"#);
        assert!(ModulePath::parse("aws_vpc.x").is_none());
    }
}
