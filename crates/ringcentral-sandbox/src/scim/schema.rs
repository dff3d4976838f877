//! The SCIM schemas of the User resource as RingCentral serves it: the single source for filter typing,
//! PATCH mutability checks and the `/Schemas` discovery documents.

use serde_json::{Map, Value};

/// URN of the core User schema.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// URN of the enterprise User extension.
pub const ENTERPRISE_USER_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// An attribute's data type (RFC 7643 section 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrType {
    String,
    Boolean,
    Decimal,
    Integer,
    DateTime,
    Reference,
    Complex,
}

impl AttrType {
    pub fn as_str(self) -> &'static str {
        match self {
            AttrType::String => "string",
            AttrType::Boolean => "boolean",
            AttrType::Decimal => "decimal",
            AttrType::Integer => "integer",
            AttrType::DateTime => "dateTime",
            AttrType::Reference => "reference",
            AttrType::Complex => "complex",
        }
    }
}

/// Whether and when a client may set an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutability {
    ReadOnly,
    ReadWrite,
    Immutable,
    WriteOnly,
}

impl Mutability {
    pub fn as_str(self) -> &'static str {
        match self {
            Mutability::ReadOnly => "readOnly",
            Mutability::ReadWrite => "readWrite",
            Mutability::Immutable => "immutable",
            Mutability::WriteOnly => "writeOnly",
        }
    }
}

/// When an attribute appears in responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returned {
    Always,
    Never,
    Default,
    Request,
}

impl Returned {
    pub fn as_str(self) -> &'static str {
        match self {
            Returned::Always => "always",
            Returned::Never => "never",
            Returned::Default => "default",
            Returned::Request => "request",
        }
    }
}

/// How the server enforces uniqueness of an attribute's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uniqueness {
    None,
    Server,
    Global,
}

impl Uniqueness {
    pub fn as_str(self) -> &'static str {
        match self {
            Uniqueness::None => "none",
            Uniqueness::Server => "server",
            Uniqueness::Global => "global",
        }
    }
}

/// One attribute definition (RFC 7643 section 7), built in `const` context with the chained setters.
#[derive(Debug, Clone, Copy)]
pub struct AttrDef {
    pub name: &'static str,
    pub ty: AttrType,
    pub multi_valued: bool,
    pub required: bool,
    pub case_exact: bool,
    pub mutability: Mutability,
    pub returned: Returned,
    pub uniqueness: Uniqueness,
    pub description: &'static str,
    pub canonical_values: &'static [&'static str],
    pub reference_types: &'static [&'static str],
    pub sub_attributes: &'static [AttrDef],
}

impl AttrDef {
    /// A single-valued, optional, read-write attribute with case-insensitive values.
    pub const fn new(name: &'static str, ty: AttrType, description: &'static str) -> Self {
        AttrDef {
            name,
            ty,
            multi_valued: false,
            required: false,
            case_exact: false,
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Uniqueness::None,
            description,
            canonical_values: &[],
            reference_types: &[],
            sub_attributes: &[],
        }
    }

    pub const fn multi(mut self) -> Self {
        self.multi_valued = true;
        self
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub const fn case_exact(mut self) -> Self {
        self.case_exact = true;
        self
    }

    pub const fn read_only(mut self) -> Self {
        self.mutability = Mutability::ReadOnly;
        self
    }

    pub const fn returned(mut self, returned: Returned) -> Self {
        self.returned = returned;
        self
    }

    pub const fn unique(mut self) -> Self {
        self.uniqueness = Uniqueness::Server;
        self
    }

    pub const fn canonical(mut self, values: &'static [&'static str]) -> Self {
        self.canonical_values = values;
        self
    }

    pub const fn references(mut self, types: &'static [&'static str]) -> Self {
        self.reference_types = types;
        self
    }

    pub const fn subs(mut self, subs: &'static [AttrDef]) -> Self {
        self.sub_attributes = subs;
        self
    }

    /// The sub-attribute with this name, compared case-insensitively as RFC 7643 requires.
    pub fn sub(&self, name: &str) -> Option<&'static AttrDef> {
        self.sub_attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    /// The attribute definition as a `/Schemas` document lists it.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), self.name.into());
        m.insert("type".into(), self.ty.as_str().into());
        m.insert("multiValued".into(), self.multi_valued.into());
        m.insert("description".into(), self.description.into());
        m.insert("required".into(), self.required.into());
        if !self.canonical_values.is_empty() {
            m.insert("canonicalValues".into(), self.canonical_values.into());
        }
        if matches!(self.ty, AttrType::String | AttrType::Reference) {
            m.insert("caseExact".into(), self.case_exact.into());
        }
        if !self.reference_types.is_empty() {
            m.insert("referenceTypes".into(), self.reference_types.into());
        }
        m.insert("mutability".into(), self.mutability.as_str().into());
        m.insert("returned".into(), self.returned.as_str().into());
        m.insert("uniqueness".into(), self.uniqueness.as_str().into());
        if self.ty == AttrType::Complex {
            m.insert(
                "subAttributes".into(),
                self.sub_attributes.iter().map(AttrDef::to_json).collect(),
            );
        }
        Value::Object(m)
    }
}

/// A schema: its URN and its top-level attributes.
#[derive(Debug)]
pub struct SchemaDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub attributes: &'static [AttrDef],
}

impl SchemaDef {
    pub fn attr(&self, name: &str) -> Option<&'static AttrDef> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }
}

/// An extension schema a resource type may carry, under a top-level key equal to its URN.
#[derive(Debug)]
pub struct SchemaExtension {
    pub schema: &'static SchemaDef,
    pub required: bool,
}

/// A resource type: endpoint, core schema and extensions (RFC 7643 section 6).
#[derive(Debug)]
pub struct ResourceType {
    pub id: &'static str,
    pub name: &'static str,
    pub endpoint: &'static str,
    pub description: &'static str,
    pub schema: &'static SchemaDef,
    pub extensions: &'static [SchemaExtension],
}

impl ResourceType {
    /// The extension schema with this URN, compared case-insensitively.
    pub fn extension(&self, urn: &str) -> Option<&'static SchemaDef> {
        self.extensions
            .iter()
            .map(|e| e.schema)
            .find(|s| s.id.eq_ignore_ascii_case(urn))
    }
}

use AttrType::{Boolean, Complex, DateTime, Reference, String as Str};

/// Attributes every resource has (RFC 7643 section 3.1); not listed in a schema document, but addressable.
pub static COMMON_ATTRIBUTES: &[AttrDef] = &[
    AttrDef::new(
        "id",
        Str,
        "Unique identifier of the resource, assigned by RingCentral.",
    )
    .case_exact()
    .read_only()
    .returned(Returned::Always)
    .unique(),
    AttrDef::new(
        "externalId",
        Str,
        "Identifier of the resource as the provisioning client knows it.",
    )
    .case_exact(),
    AttrDef::new("meta", Complex, "Resource metadata.")
        .read_only()
        .subs(&[
            AttrDef::new("resourceType", Str, "Name of the resource type.")
                .case_exact()
                .read_only(),
            AttrDef::new("created", DateTime, "When the resource was added.").read_only(),
            AttrDef::new(
                "lastModified",
                DateTime,
                "When the resource was last changed.",
            )
            .read_only(),
            AttrDef::new("location", Reference, "URI of the resource.")
                .case_exact()
                .read_only()
                .references(&["uri"]),
        ]),
];

/// `userName` as RingCentral keeps it: the user's login, its work email address.
const USER_NAME_EMAIL: AttrDef = AttrDef::new(
    "userName",
    Str,
    "Login name of the user; the same as the work email address.",
)
.required()
.returned(Returned::Always)
.unique();

/// `userName` as RFC 7643 section 4.1.1 defines it: any string that identifies the user uniquely.
const USER_NAME_ANY: AttrDef = AttrDef::new(
    "userName",
    Str,
    "Unique identifier of the user, as the provisioning client names it.",
)
.required()
.returned(Returned::Always)
.unique();

const DISPLAY_NAME: AttrDef = AttrDef::new(
    "displayName",
    Str,
    "Name of the user, suitable for display to end users.",
);

const NAME: AttrDef = AttrDef::new("name", Complex, "Components of the user's name.")
    .required()
    .subs(&[
        AttrDef::new("formatted", Str, "Full name, formatted for display."),
        AttrDef::new("familyName", Str, "Family (last) name.").required(),
        AttrDef::new("givenName", Str, "Given (first) name.").required(),
    ]);

const TITLE: AttrDef = AttrDef::new("title", Str, "Job title.");

const ACTIVE: AttrDef = AttrDef::new("active", Boolean, "Whether the user may use the service.");

/// RingCentral requires the (work) email; RFC 7643 does not.
const EMAILS: AttrDef = EMAILS_OPTIONAL.required();

const EMAILS_OPTIONAL: AttrDef = AttrDef::new("emails", Complex, "Email addresses of the user.")
    .multi()
    .subs(&[
        AttrDef::new("value", Str, "Email address.").required(),
        AttrDef::new("type", Str, "Kind of email address.")
            .required()
            .canonical(&["work"]),
    ]);

const PHONE_NUMBERS: AttrDef = AttrDef::new("phoneNumbers", Complex, "Phone numbers of the user.")
    .multi()
    .subs(&[
        AttrDef::new("value", Str, "Phone number.").required(),
        AttrDef::new("type", Str, "Kind of phone number.")
            .required()
            .canonical(&["work", "mobile", "other"]),
    ]);

const PHOTOS: AttrDef = AttrDef::new("photos", Complex, "Photos of the user.")
    .multi()
    .subs(&[
        AttrDef::new("value", Reference, "URL of the photo.")
            .required()
            .case_exact()
            .references(&["external"]),
        AttrDef::new("type", Str, "Kind of photo.")
            .required()
            .canonical(&["photo"]),
    ]);

const ADDRESSES: AttrDef = AttrDef::new("addresses", Complex, "Postal addresses of the user.")
    .multi()
    .subs(&[
        AttrDef::new("type", Str, "Kind of address.")
            .required()
            .canonical(&["work"]),
        AttrDef::new("streetAddress", Str, "Street address."),
        AttrDef::new("locality", Str, "City or locality."),
        AttrDef::new("region", Str, "State or region."),
        AttrDef::new("postalCode", Str, "Postal code."),
        AttrDef::new("country", Str, "Country."),
    ]);

/// The core User schema, restricted to the attributes RingCentral models, with RingCentral's rule
/// that `userName` is the work email.
pub static USER: SchemaDef = SchemaDef {
    id: USER_SCHEMA,
    name: "User",
    description: "User account",
    attributes: &[
        USER_NAME_EMAIL,
        NAME,
        TITLE,
        ACTIVE,
        EMAILS,
        PHONE_NUMBERS,
        PHOTOS,
        ADDRESSES,
    ],
};

/// The core User schema as the SCIM RFCs have it: `userName` is any unique string, `emails` may be
/// left out, and `displayName` is kept; otherwise the attributes RingCentral models.
pub static USER_RFC: SchemaDef = SchemaDef {
    id: USER_SCHEMA,
    name: "User",
    description: "User account",
    attributes: &[
        USER_NAME_ANY,
        DISPLAY_NAME,
        NAME,
        TITLE,
        ACTIVE,
        EMAILS_OPTIONAL,
        PHONE_NUMBERS,
        PHOTOS,
        ADDRESSES,
    ],
};

/// The enterprise User extension, restricted to what RingCentral models.
pub static ENTERPRISE_USER: SchemaDef = SchemaDef {
    id: ENTERPRISE_USER_SCHEMA,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: &[AttrDef::new("department", Str, "Department of the user.")],
};

const ENTERPRISE_EXTENSION: &[SchemaExtension] = &[SchemaExtension {
    schema: &ENTERPRISE_USER,
    required: false,
}];

/// The User resource type with RingCentral's rules ([`USER`]).
pub static USER_RESOURCE: ResourceType = ResourceType {
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "User account",
    schema: &USER,
    extensions: ENTERPRISE_EXTENSION,
};

/// The User resource type with the RFCs' rules ([`USER_RFC`]).
pub static USER_RESOURCE_RFC: ResourceType = ResourceType {
    schema: &USER_RFC,
    ..USER_RESOURCE
};

/// Looks a key up in a JSON object, exactly first and then ignoring ASCII case, since SCIM attribute
/// names are case-insensitive but clients mostly send the canonical spelling.
pub fn get_ci<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).or_else(|| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

/// The key as spelled in the object, if present in any case.
pub fn key_ci(obj: &Map<String, Value>, key: &str) -> Option<String> {
    if obj.contains_key(key) {
        return Some(key.to_string());
    }
    obj.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_lookup_ignores_case() {
        let a = USER.attr("USERNAME").map(|a| a.name);
        assert_eq!(a, Some("userName"));
        let emails = USER.attr("emails");
        assert_eq!(
            emails.and_then(|e| e.sub("VALUE")).map(|s| s.name),
            Some("value")
        );
        assert!(USER.attr("nickName").is_none());
    }

    #[test]
    fn user_name_is_case_insensitive_and_unique() {
        let Some(u) = USER.attr("userName") else {
            panic!("userName missing from the User schema");
        };
        assert!(!u.case_exact);
        assert_eq!(u.uniqueness, Uniqueness::Server);
        assert!(u.required);
    }

    #[test]
    fn attribute_document_has_rfc_fields() {
        let Some(emails) = USER.attr("emails") else {
            panic!("emails missing from the User schema");
        };
        let doc = emails.to_json();
        assert_eq!(doc["type"], "complex");
        assert_eq!(doc["multiValued"], true);
        assert_eq!(doc["mutability"], "readWrite");
        assert_eq!(doc["subAttributes"][1]["canonicalValues"][0], "work");
    }

    #[test]
    fn extension_lookup_ignores_case() {
        let ext = USER_RESOURCE.extension(&ENTERPRISE_USER_SCHEMA.to_uppercase());
        assert_eq!(ext.map(|s| s.name), Some("EnterpriseUser"));
    }

    #[test]
    fn case_insensitive_key_lookup_prefers_exact() {
        let obj = serde_json::json!({"username": "a", "userName": "b"});
        let Some(map) = obj.as_object() else {
            panic!("not an object")
        };
        assert_eq!(get_ci(map, "userName"), Some(&Value::from("b")));
        assert!(get_ci(map, "USERNAME").is_some());
        assert!(key_ci(map, "UserName").is_some());
        assert_eq!(key_ci(map, "title"), None);
    }
}
