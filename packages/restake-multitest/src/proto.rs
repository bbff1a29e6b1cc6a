//! Just enough protobuf for the SDK messages the Suite's chain understands as `Stargate` /
//! `Any` messages (`MsgFundCommunityPool`, x/liquid's messages and their responses).

use cosmwasm_std::{Coin, Uint128};
use cw_multi_test::error::AnyResult;

/// One field of a protobuf message.
pub enum Field<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 2: strings, bytes and embedded messages.
    Bytes(&'a [u8]),
}

/// The fields of a protobuf message in order: (number, value). Fixed-width fields are not
/// used by any message read here and are refused.
pub fn fields(mut b: &[u8]) -> AnyResult<Vec<(u64, Field<'_>)>> {
    let mut out = vec![];
    while !b.is_empty() {
        let (tag, rest) = varint(b)?;
        b = rest;
        match tag & 7 {
            0 => {
                let (v, rest) = varint(b)?;
                b = rest;
                out.push((tag >> 3, Field::Varint(v)));
            }
            2 => {
                let (len, rest) = varint(b)?;
                let len = usize::try_from(len)?;
                if rest.len() < len {
                    anyhow::bail!("truncated protobuf");
                }
                out.push((tag >> 3, Field::Bytes(&rest[..len])));
                b = &rest[len..];
            }
            w => anyhow::bail!("unexpected protobuf wire type {w}"),
        }
    }
    Ok(out)
}

fn varint(b: &[u8]) -> AnyResult<(u64, &[u8])> {
    let mut v = 0u64;
    for (i, byte) in b.iter().enumerate().take(10) {
        v |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok((v, &b[i + 1..]));
        }
    }
    anyhow::bail!("bad protobuf varint")
}

/// A string field.
pub fn string(f: &Field) -> AnyResult<String> {
    match f {
        Field::Bytes(b) => Ok(String::from_utf8(b.to_vec())?),
        Field::Varint(_) => anyhow::bail!("expected a string field"),
    }
}

/// A `cosmos.base.v1beta1.Coin` field (`denom` = 1, `amount` = 2 as a decimal string).
pub fn coin(f: &Field) -> AnyResult<Coin> {
    let Field::Bytes(b) = f else {
        anyhow::bail!("expected a Coin field");
    };
    let mut denom = String::new();
    let mut amount = Uint128::zero();
    for (n, v) in fields(b)? {
        match n {
            1 => denom = string(&v)?,
            2 => amount = string(&v)?.parse()?,
            _ => {}
        }
    }
    Ok(Coin { denom, amount })
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a length-delimited field.
pub fn put_bytes(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    put_varint(out, (number << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends a varint field (omitted when zero, as proto3 does).
pub fn put_uint(out: &mut Vec<u8>, number: u64, v: u64) {
    if v != 0 {
        put_varint(out, number << 3);
        put_varint(out, v);
    }
}

/// A `cosmos.base.v1beta1.Coin`, encoded.
pub fn encode_coin(c: &Coin) -> Vec<u8> {
    let mut out = vec![];
    put_bytes(&mut out, 1, c.denom.as_bytes());
    put_bytes(&mut out, 2, c.amount.to_string().as_bytes());
    out
}

/// A message whose only field is a `Coin` in field 1 (x/liquid's responses).
pub fn coin_response(c: &Coin) -> Vec<u8> {
    let mut out = vec![];
    put_bytes(&mut out, 1, &encode_coin(c));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coin_round_trips() {
        let c = Coin::new(18_000_000u128, "uatom");
        // the response gaiad sent for a redemption (docs/gaia.md, section e)
        let gaiad = cosmwasm_std::Binary::from_base64("ChEKBXVhdG9tEggxODAwMDAwMA==").unwrap();
        assert_eq!(coin_response(&c), gaiad.to_vec());
        let f = fields(&gaiad).unwrap();
        assert_eq!(coin(&f[0].1).unwrap(), c);
    }
}
