//! Exact decimals in bundle files. Money, percentages and weights are never
//! binary floats: the JSON files write them as JSON numbers with their exact
//! decimal text (`9.9`, never `9.900000000000002`), the TOML files as strings
//! (`"9.9"`), because TOML floats are binary and settlement needs exact
//! values. Both wrappers hold a normalised [`Decimal`] (`150.40` is `150.4`).

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What both kinds of exact decimal share: the value inside.
pub trait Exact: Copy {
    /// Wrap (and normalise) a value.
    fn new(value: Decimal) -> Self;
    /// The value.
    fn get(self) -> Decimal;
}

fn parse(text: &str) -> Option<Decimal> {
    text.parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

macro_rules! exact {
    ($name:ident) => {
        impl Exact for $name {
            fn new(value: Decimal) -> Self {
                $name(value.normalize())
            }
            fn get(self) -> Decimal {
                self.0
            }
        }

        impl From<Decimal> for $name {
            fn from(value: Decimal) -> Self {
                <$name as Exact>::new(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

/// An exact decimal written as a JSON number (the JSON files).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(Decimal);

/// An exact decimal written as a string (the TOML files).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecimalText(Decimal);

exact!(Number);
exact!(DecimalText);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json's arbitrary precision keeps the decimal text as written.
        let text = self.0.to_string();
        match text.parse::<serde_json::Number>() {
            Ok(number) => number.serialize(serializer),
            Err(_) => serializer.serialize_str(&text),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        let text = number.to_string();
        parse(&text)
            .map(<Number as Exact>::new)
            .ok_or_else(|| D::Error::custom(format!("`{text}` is not an exact decimal")))
    }
}

impl JsonSchema for Number {
    fn schema_name() -> Cow<'static, str> {
        "Number".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number", "description": "An exact decimal." })
    }
}

impl Serialize for DecimalText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text)
            .map(<DecimalText as Exact>::new)
            .ok_or_else(|| D::Error::custom(format!("`{text}` is not an exact decimal")))
    }
}

impl JsonSchema for DecimalText {
    fn schema_name() -> Cow<'static, str> {
        "DecimalText".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
            "description": "An exact decimal, written as a string."
        })
    }
}
