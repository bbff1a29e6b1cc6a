//! The compact binary form of stored records and keys.
//!
//! Every byte a message writes costs 30 SDK gas (and every byte read 3), key and value
//! alike, so records are stored as they are laid out in memory, not as JSON: integers as
//! LEB128 varints, decimals as their atomics, strings and lists length-prefixed, fields in
//! declaration order without names. A field appended at the end of a record as an `Option`
//! reads as `None` from records written before it existed, so records can grow without a
//! migration.
//!
//! Keys start with a one-byte namespace; integers in keys use an order-preserving form (a
//! length byte, then the big-endian bytes without leading zeros), so ranges come back in
//! numeric order.

use cosmwasm_std::{
    Addr, Binary, Coin, Decimal, Decimal256, StdError, StdResult, Timestamp, Uint128, Uint256,
};

/// A value with a compact binary form.
pub trait Pack: Sized {
    fn pack(&self, out: &mut Vec<u8>);
    fn unpack(input: &mut &[u8]) -> StdResult<Self>;
}

pub fn corrupt() -> StdError {
    StdError::generic_err("corrupt stored record")
}

/// The bytes of a record.
pub fn to_bytes<T: Pack>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    value.pack(&mut out);
    out
}

/// The payload the hub attaches to a submessage whose reply it reads back (in the same
/// transaction, so no stored layout): this binary form, not JSON, so the wasm carries no
/// JSON reader and writer for the payloads' types.
pub fn payload<T: Pack>(value: &T) -> Binary {
    Binary::new(to_bytes(value))
}

/// A record from its bytes (all of them).
pub fn from_bytes<T: Pack>(mut bytes: &[u8]) -> StdResult<T> {
    let value = T::unpack(&mut bytes)?;
    if !bytes.is_empty() {
        return Err(corrupt());
    }
    Ok(value)
}

fn take_byte(input: &mut &[u8]) -> StdResult<u8> {
    let (first, rest) = input.split_first().ok_or_else(corrupt)?;
    *input = rest;
    Ok(*first)
}

fn take<'a>(input: &mut &'a [u8], n: usize) -> StdResult<&'a [u8]> {
    if input.len() < n {
        return Err(corrupt());
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(input: &mut &[u8]) -> StdResult<u128> {
    let mut v = 0u128;
    for shift in (0..128).step_by(7) {
        let b = take_byte(input)?;
        v |= u128::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(corrupt())
}

impl Pack for u128 {
    fn pack(&self, out: &mut Vec<u8>) {
        put_varint(out, *self);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        get_varint(input)
    }
}

impl Pack for u64 {
    fn pack(&self, out: &mut Vec<u8>) {
        put_varint(out, u128::from(*self));
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        u64::try_from(get_varint(input)?).map_err(|_| corrupt())
    }
}

impl Pack for u32 {
    fn pack(&self, out: &mut Vec<u8>) {
        put_varint(out, u128::from(*self));
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        u32::try_from(get_varint(input)?).map_err(|_| corrupt())
    }
}

impl Pack for u8 {
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(*self);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        take_byte(input)
    }
}

impl Pack for bool {
    fn pack(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(take_byte(input)? != 0)
    }
}

impl Pack for Uint128 {
    fn pack(&self, out: &mut Vec<u8>) {
        self.u128().pack(out);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(Uint128::new(u128::unpack(input)?))
    }
}

impl Pack for Uint256 {
    fn pack(&self, out: &mut Vec<u8>) {
        let bytes = self.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push((32 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        let n = take_byte(input)? as usize;
        if n > 32 {
            return Err(corrupt());
        }
        let mut bytes = [0u8; 32];
        bytes[32 - n..].copy_from_slice(take(input, n)?);
        Ok(Uint256::from_be_bytes(bytes))
    }
}

impl Pack for Decimal256 {
    fn pack(&self, out: &mut Vec<u8>) {
        self.atomics().pack(out);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(Decimal256::new(Uint256::unpack(input)?))
    }
}

impl Pack for Decimal {
    fn pack(&self, out: &mut Vec<u8>) {
        self.atomics().pack(out);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(Decimal::new(Uint128::unpack(input)?))
    }
}

impl Pack for Timestamp {
    fn pack(&self, out: &mut Vec<u8>) {
        self.nanos().pack(out);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(Timestamp::from_nanos(u64::unpack(input)?))
    }
}

impl Pack for String {
    fn pack(&self, out: &mut Vec<u8>) {
        (self.len() as u64).pack(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        let n = usize::try_from(u64::unpack(input)?).map_err(|_| corrupt())?;
        String::from_utf8(take(input, n)?.to_vec()).map_err(|_| corrupt())
    }
}

impl Pack for Addr {
    fn pack(&self, out: &mut Vec<u8>) {
        self.as_str().to_string().pack(out);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok(Addr::unchecked(String::unpack(input)?))
    }
}

impl<T: Pack> Pack for Vec<T> {
    fn pack(&self, out: &mut Vec<u8>) {
        (self.len() as u64).pack(out);
        for item in self {
            item.pack(out);
        }
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        let n = u64::unpack(input)?;
        // Each item takes at least one byte: a corrupt length cannot allocate wildly.
        if n > input.len() as u64 {
            return Err(corrupt());
        }
        (0..n).map(|_| T::unpack(input)).collect()
    }
}

/// `None` is also what a record written before the field existed reads as (end of input).
impl<T: Pack> Pack for Option<T> {
    fn pack(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.pack(out);
            }
        }
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        if input.is_empty() {
            return Ok(None);
        }
        match take_byte(input)? {
            0 => Ok(None),
            1 => Ok(Some(T::unpack(input)?)),
            _ => Err(corrupt()),
        }
    }
}

impl<A: Pack, B: Pack> Pack for (A, B) {
    fn pack(&self, out: &mut Vec<u8>) {
        self.0.pack(out);
        self.1.pack(out);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok((A::unpack(input)?, B::unpack(input)?))
    }
}

impl<A: Pack, B: Pack, C: Pack> Pack for (A, B, C) {
    fn pack(&self, out: &mut Vec<u8>) {
        self.0.pack(out);
        self.1.pack(out);
        self.2.pack(out);
    }
    fn unpack(input: &mut &[u8]) -> StdResult<Self> {
        Ok((A::unpack(input)?, B::unpack(input)?, C::unpack(input)?))
    }
}

impl Pack for () {
    fn pack(&self, _out: &mut Vec<u8>) {}
    fn unpack(_input: &mut &[u8]) -> StdResult<Self> {
        Ok(())
    }
}

/// Implements [`Pack`] for a struct, field by field in the order given (which is the
/// stored order: append new fields, as `Option`s, at the end).
macro_rules! packed {
    ($t:ident { $($f:ident),* $(,)? }) => {
        impl $crate::state::codec::Pack for $t {
            fn pack(&self, out: &mut Vec<u8>) {
                $( $crate::state::codec::Pack::pack(&self.$f, out); )*
            }
            fn unpack(input: &mut &[u8]) -> cosmwasm_std::StdResult<Self> {
                Ok($t { $( $f: $crate::state::codec::Pack::unpack(input)?, )* })
            }
        }
    };
}

packed!(Coin { denom, amount });
pub(crate) use packed;

// ---------------------------------------------------------------------------- keys

/// Builds a storage key: a namespace byte, then parts.
pub struct Key(pub Vec<u8>);

impl Key {
    pub fn new(namespace: u8) -> Key {
        let mut k = Vec::with_capacity(24);
        k.push(namespace);
        Key(k)
    }

    /// An unsigned integer, in an order-preserving form (length byte, big-endian bytes).
    pub fn uint(mut self, v: u64) -> Key {
        push_uint(&mut self.0, v);
        self
    }

    /// Bytes of variable length followed by other parts (length-prefixed).
    pub fn bytes(mut self, b: &[u8]) -> Key {
        self.0.push(b.len() as u8);
        self.0.extend_from_slice(b);
        self
    }

    /// Bytes as the last part (no prefix: ranges over them come back in byte order).
    pub fn tail(mut self, b: &[u8]) -> Key {
        self.0.extend_from_slice(b);
        self
    }
}

pub fn push_uint(out: &mut Vec<u8>, v: u64) {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    out.push((8 - skip) as u8);
    out.extend_from_slice(&bytes[skip..]);
}

/// Reads an integer written by [`push_uint`] from the front of `input`.
pub fn read_uint(input: &mut &[u8]) -> StdResult<u64> {
    let n = take_byte(input)? as usize;
    if n > 8 {
        return Err(corrupt());
    }
    let mut bytes = [0u8; 8];
    bytes[8 - n..].copy_from_slice(take(input, n)?);
    Ok(u64::from_be_bytes(bytes))
}

/// Reads length-prefixed bytes written by [`Key::bytes`].
pub fn read_bytes<'a>(input: &mut &'a [u8]) -> StdResult<&'a [u8]> {
    let n = take_byte(input)? as usize;
    take(input, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip_and_stay_small() {
        for v in [0u128, 1, 127, 128, 300, u64::MAX as u128, u128::MAX] {
            let b = to_bytes(&v);
            assert_eq!(from_bytes::<u128>(&b).unwrap(), v);
        }
        assert_eq!(to_bytes(&5u64).len(), 1);
        let d = Decimal256::permille(1);
        assert_eq!(from_bytes::<Decimal256>(&to_bytes(&d)).unwrap(), d);
        assert_eq!(
            from_bytes::<Decimal256>(&to_bytes(&Decimal256::MAX)).unwrap(),
            Decimal256::MAX
        );
        assert_eq!(to_bytes(&Decimal256::zero()), vec![0]);
    }

    #[test]
    fn an_option_appended_later_reads_as_none() {
        let old = to_bytes(&(7u64, 9u64));
        let mut input = old.as_slice();
        let (a, b, c) = <(u64, u64, Option<u64>)>::unpack(&mut input).unwrap();
        assert_eq!((a, b, c), (7, 9, None));
    }

    #[test]
    fn key_integers_keep_their_order() {
        let mut keys: Vec<Vec<u8>> = [0u64, 1, 255, 256, 70_000, u64::MAX]
            .iter()
            .map(|v| Key::new(1).uint(*v).0)
            .collect();
        let sorted = keys.clone();
        keys.sort();
        assert_eq!(keys, sorted);
        let k = Key::new(1).uint(70_000).0;
        let mut rest = &k[1..];
        assert_eq!(read_uint(&mut rest).unwrap(), 70_000);
    }

    #[test]
    fn corrupt_input_is_an_error_not_a_panic() {
        assert!(from_bytes::<u64>(&[0x80]).is_err());
        assert!(from_bytes::<String>(&[5, b'a']).is_err());
        assert!(from_bytes::<Vec<u64>>(&[200]).is_err());
        assert!(from_bytes::<u64>(&[1, 2]).is_err());
    }

    #[test]
    fn a_payload_reads_back_what_was_attached() {
        let coin = Coin::new(12_345u128, "uatom");
        let p = payload(&(Some(coin.clone()), Addr::unchecked("cosmos1staker")));
        assert_eq!(
            from_bytes::<(Option<Coin>, Addr)>(&p).unwrap(),
            (Some(coin), Addr::unchecked("cosmos1staker"))
        );
        // An empty or foreign payload is refused, not misread.
        assert!(from_bytes::<(u64, Coin)>(&[]).is_err());
        assert!(from_bytes::<u64>(br#"{"a":1}"#).is_err());
    }
}
