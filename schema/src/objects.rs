//! Object definitions (Schema.pm `%defspec`) generated from `xcat-schema.json`: every
//! attribute entry in order, including repeated attribute names distinguished by `only_if`,
//! with the parsed lookup (`access_tabentry`) of each entry.

/// How a lookup value is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    /// The value of the named attribute of the object (in practice the object name).
    Attr,
    /// The literal value.
    Str,
}

/// One `table.column=attr:x` / `=str:x` lookup pair of an attribute's `access_tabentry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    pub table: &'static str,
    pub column: &'static str,
    pub kind: LookupKind,
    pub value: &'static str,
}

/// Condition `attr=value` under which an attribute entry applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnlyIf {
    pub attr: &'static str,
    pub value: &'static str,
}

/// One attribute entry of an object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrDef {
    pub attr_name: &'static str,
    pub table: &'static str,
    pub column: &'static str,
    pub lookup: &'static [Lookup],
    pub only_if: Option<OnlyIf>,
    /// A later entry with the same name replaces this one in Schema.pm's `attrhash`.
    pub shadowed: bool,
}

/// One object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectDef {
    pub name: &'static str,
    pub objkey: &'static str,
    pub attrs: &'static [AttrDef],
}

include!(concat!(env!("OUT_DIR"), "/objects_gen.rs"));

/// The object type named `name`.
pub fn object(name: &str) -> Option<&'static ObjectDef> {
    OBJECTS.iter().find(|o| o.name == name)
}

/// Every object type in stock `object_order`.
pub fn objects() -> &'static [ObjectDef] {
    OBJECTS
}

impl ObjectDef {
    /// Every entry for attribute `name` (several when they differ by `only_if`).
    pub fn entries<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'static AttrDef> + 'a {
        self.attrs.iter().filter(move |a| a.attr_name == name)
    }
    /// Distinct attribute names in first-appearance order.
    pub fn attr_names(&self) -> Vec<&'static str> {
        let mut seen = Vec::new();
        for a in self.attrs {
            if !seen.contains(&a.attr_name) {
                seen.push(a.attr_name);
            }
        }
        seen
    }
}
