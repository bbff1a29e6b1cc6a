//! JSON in, the small way: every message, reply payload and query answer the hub reads is
//! parsed once into a [`Json`] tree (one instance of `serde-json-wasm`'s parser in the
//! wasm), and typed values are read out of the tree by a deserializer that only walks it.
//! `serde-json-wasm` deserializing each type itself inlines its whole parser into every
//! type's code: most of the wasm's deserialization bytes. The accepted JSON and the error
//! texts are the same: the types' `Deserialize` implementations (serde's derive) decide
//! what is valid, and errors read "Error parsing into type T: …" as `from_json`'s do.

use std::fmt;

use cosmwasm_std::{
    to_json_vec, ContractResult, Empty, QuerierWrapper, QueryRequest, StdError, StdResult,
    SystemResult,
};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    Visitor,
};
use serde::forward_to_deserialize_any;

/// A parsed JSON value. Numbers keep their text: the hub reads integers only (CosmWasm
/// has no floats), and the target type says which.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// Parses `bytes` as a `T`.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> StdResult<T> {
    let tree: Json = cosmwasm_std::from_json(bytes)?;
    read(tree)
}

/// Reads a `T` out of a parsed tree.
pub fn read<T: DeserializeOwned>(tree: Json) -> StdResult<T> {
    T::deserialize(tree).map_err(|e| StdError::parse_err(std::any::type_name::<T>(), e.0))
}

/// A standard query, answered as `QuerierWrapper::query` would (same errors).
pub fn query<T: DeserializeOwned>(
    querier: &QuerierWrapper,
    request: &QueryRequest<Empty>,
) -> StdResult<T> {
    let raw = to_json_vec(request)?;
    match querier.raw_query(&raw) {
        SystemResult::Err(e) => Err(StdError::generic_err(format!("Querier system error: {e}"))),
        SystemResult::Ok(ContractResult::Err(e)) => Err(StdError::generic_err(format!(
            "Querier contract error: {e}"
        ))),
        SystemResult::Ok(ContractResult::Ok(bytes)) => from_slice(&bytes),
    }
}

/// What the hub reads of the chain's standard query answers (other fields are skipped).
pub mod answers {
    use cosmwasm_std::Coin;
    use serde::Deserialize;

    #[derive(Deserialize)]
    pub struct Delegation {
        pub amount: Coin,
        pub accumulated_rewards: Vec<Coin>,
    }
    #[derive(Deserialize)]
    pub struct DelegationResponse {
        pub delegation: Option<Delegation>,
    }
    #[derive(Deserialize)]
    pub struct Validator {
        pub address: String,
    }
    #[derive(Deserialize)]
    pub struct AllValidatorsResponse {
        pub validators: Vec<Validator>,
    }
    #[derive(Deserialize)]
    pub struct BalanceResponse {
        pub amount: Coin,
    }
    #[derive(Deserialize)]
    pub struct BondedDenomResponse {
        pub denom: String,
    }
    #[derive(Deserialize)]
    pub struct ContractInfoResponse {
        pub code_id: u64,
    }
}

/// The chain's bonded denom.
pub fn bonded_denom(querier: &QuerierWrapper) -> StdResult<String> {
    let r: answers::BondedDenomResponse = query(
        querier,
        &QueryRequest::Staking(cosmwasm_std::StakingQuery::BondedDenom {}),
    )?;
    Ok(r.denom)
}

/// The code id of a contract (an error when `address` is not a contract).
pub fn code_id(querier: &QuerierWrapper, address: &str) -> StdResult<u64> {
    let r: answers::ContractInfoResponse = query(
        querier,
        &QueryRequest::Wasm(cosmwasm_std::WasmQuery::ContractInfo {
            contract_addr: address.to_string(),
        }),
    )?;
    Ok(r.code_id)
}

// ---------------------------------------------------------------------------- parsing

impl<'de> de::Deserialize<'de> for Json {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Num(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Num(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Json, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut out = vec![];
        while let Some(v) = seq.next_element()? {
            out.push(v);
        }
        Ok(Json::Arr(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut out = vec![];
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            out.push((k, v));
        }
        Ok(Json::Obj(out))
    }
}

// ---------------------------------------------------------------------------- reading

/// Why a tree is not the type asked for (serde's own wording).
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl Json {
    fn unexpected(&self) -> Unexpected<'_> {
        match self {
            Json::Null => Unexpected::Unit,
            Json::Bool(b) => Unexpected::Bool(*b),
            Json::Num(n) => match n.parse::<u64>() {
                Ok(u) => Unexpected::Unsigned(u),
                Err(_) => match n.parse::<i64>() {
                    Ok(i) => Unexpected::Signed(i),
                    Err(_) => Unexpected::Other("number"),
                },
            },
            Json::Str(s) => Unexpected::Str(s),
            Json::Arr(_) => Unexpected::Seq,
            Json::Obj(_) => Unexpected::Map,
        }
    }

    fn invalid<T>(&self, exp: &dyn de::Expected) -> Result<T, Error> {
        Err(de::Error::invalid_type(self.unexpected(), exp))
    }
}

impl<'de> IntoDeserializer<'de, Error> for Json {
    type Deserializer = Json;
    fn into_deserializer(self) -> Json {
        self
    }
}

impl<'de> de::Deserializer<'de> for Json {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self {
            Json::Null => v.visit_unit(),
            Json::Bool(b) => v.visit_bool(b),
            Json::Num(n) => {
                if let Ok(u) = n.parse::<u64>() {
                    v.visit_u64(u)
                } else if let Ok(i) = n.parse::<i64>() {
                    v.visit_i64(i)
                } else {
                    Err(de::Error::custom(format!("invalid number {n}")))
                }
            }
            Json::Str(s) => v.visit_string(s),
            Json::Arr(items) => {
                let mut seq = Items(items.into_iter());
                let value = v.visit_seq(&mut seq)?;
                match seq.0.len() {
                    0 => Ok(value),
                    n => Err(de::Error::invalid_length(n, &"fewer elements in the array")),
                }
            }
            Json::Obj(entries) => v.visit_map(Entries {
                iter: entries.into_iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self {
            Json::Null => v.visit_none(),
            other => v.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, Error> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        match self {
            Json::Str(s) => v.visit_enum(s.into_deserializer()),
            Json::Obj(mut entries) if entries.len() == 1 => {
                let (variant, value) = entries.remove(0);
                v.visit_enum(Variant { variant, value })
            }
            other => other.invalid(&"a string or an object with exactly one key"),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match self {
            Json::Null => v.visit_unit(),
            other => other.invalid(&v),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Items(std::vec::IntoIter<Json>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|j| seed.deserialize(j)).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries {
    iter: std::vec::IntoIter<(String, Json)>,
    value: Option<Json>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(Json::Str(k)).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let v = self
            .value
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("a value before its key"))?;
        seed.deserialize(v)
    }
}

/// `{"variant": value}`.
struct Variant {
    variant: String,
    value: Json,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Json;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Json), Error> {
        Ok((seed.deserialize(Json::Str(self.variant))?, self.value))
    }
}

impl<'de> de::VariantAccess<'de> for Json {
    type Error = Error;
    fn unit_variant(self) -> Result<(), Error> {
        match self {
            Json::Null => Ok(()),
            other => other.invalid(&"a unit variant"),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, v)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Decimal, Uint128};
    use restake_types::{ExecuteMsg, QueryMsg, VoteOption};

    fn both<T: DeserializeOwned + PartialEq + fmt::Debug>(json: &str) -> StdResult<T> {
        let ours = from_slice::<T>(json.as_bytes());
        let theirs = cosmwasm_std::from_json::<T>(json.as_bytes());
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{json}"),
            // Refused by both. serde-json-wasm words some refusals tersely ("Invalid
            // type", "Expected this character to start a JSON value"); serde's own text,
            // which names what was expected, is what stakers see now.
            (Err(_), Err(_)) => {}
            _ => panic!("{json}: ours {ours:?}, serde-json-wasm's {theirs:?}"),
        }
        ours
    }

    #[test]
    fn reads_what_from_json_reads_and_refuses_in_the_same_words() {
        let ok = [
            r#"{"deposit":{"validator":"cosmosvaloper1x"}}"#,
            r#"{"opt_in":{"validator":"cosmosvaloper1x","service_ids":[1,2]}}"#,
            r#"{"unbond":{"validator":"v","amount":"12"}}"#,
            r#"{"claim_rewards":{}}"#,
            r#"{"vote":{"proposal_id":3,"option":"no_with_veto"}}"#,
            r#"{"vote":{"proposal_id":3,"weighted":[{"option":"yes","weight":"0.7"},{"option":"no","weight":"0.3"}]}}"#,
            r#"{"slash":{"service_id":1,"validator":"v","fraction":"0.05","evidence":"x"}}"#,
        ];
        for j in ok {
            both::<ExecuteMsg>(j).unwrap();
        }
        let bad = [
            r#"{"deposit":{"validator":"v","extra":1}}"#,
            r#"{"deposit":{}}"#,
            r#"{"depositt":{"validator":"v"}}"#,
            r#"{"unbond":{"validator":"v","amount":12}}"#,
            r#"{"unbond":{"validator":"v","amount":"-1"}}"#,
            r#"{"vote":{"proposal_id":-3,"option":"yes"}}"#,
            r#"{"vote":{"proposal_id":3,"option":"maybe"}}"#,
            r#"{"vote":{"proposal_id":"3","option":"yes"}}"#,
            r#"{"claim_rewards":{},"unbond":{}}"#,
            r#"["claim_rewards"]"#,
            r#"{"deposit":{"validator":"v","validator":"w"}}"#,
        ];
        for j in bad {
            assert!(both::<ExecuteMsg>(j).is_err(), "{j}");
        }
        let text = |j: &str| {
            from_slice::<ExecuteMsg>(j.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            text(r#"{"deposit":{"validator":"v","extra":1}}"#),
            "Error parsing into type restake_types::msg::ExecuteMsg: unknown field `extra`, expected `validator`"
        );
        assert_eq!(
            text(r#"{"unbond":{"validator":"v","amount":12}}"#),
            "Error parsing into type restake_types::msg::ExecuteMsg: invalid type: integer `12`, expected string-encoded integer"
        );
        both::<QueryMsg>(r#"{"stats":{}}"#).unwrap();
        both::<QueryMsg>(r#"{"hub_history":{"days":7}}"#).unwrap();
        both::<QueryMsg>(r#"{"hub_history":{"days":70000000000}}"#).unwrap_err();
        assert_eq!(
            both::<Vec<VoteOption>>(r#"["yes","abstain"]"#).unwrap(),
            vec![VoteOption::Yes, VoteOption::Abstain]
        );
        assert_eq!(
            both::<(Uint128, Decimal)>(r#"["5","0.5"]"#).unwrap(),
            (Uint128::new(5), Decimal::percent(50))
        );
        both::<(Uint128, Decimal)>(r#"["5","0.5","1"]"#).unwrap_err();
        both::<Option<u64>>("null").unwrap();
        both::<Option<u64>>("7").unwrap();
        both::<u8>("300").unwrap_err();
    }
}
