//! A small element tree read with quick-xml's pull reader, navigation that names the element
//! path in every error, and the writer helpers the message modules share.

use std::str::FromStr;

use jiff::civil::Date;
use kulissi_core::identifiers::{Bic, Currency, Isin, Lei};
use quick_xml::Writer;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use rust_decimal::Decimal;

use crate::Iso20022Error;

/// The namespace prefix of every ISO 20022 message.
pub(crate) const NS_PREFIX: &str = "urn:iso:std:iso:20022:tech:xsd:";

/// Deeper than any settlement message nests (sese.023 goes about 8 deep): a bound that keeps
/// a hostile document from exhausting the stack when the tree is dropped.
const MAX_DEPTH: usize = 48;

/// One element: its local name, namespace declaration, attributes, children and text.
#[derive(Debug, Default)]
pub(crate) struct Element {
    name: String,
    prefix: Option<String>,
    attrs: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    /// The namespace the element is in, from its own declaration (the root declares it).
    fn namespace(&self) -> Option<&str> {
        let key = match &self.prefix {
            Some(p) => format!("xmlns:{p}"),
            None => "xmlns".to_owned(),
        };
        self.attrs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn xml_error(file: &str, position: u64, message: impl Into<String>) -> Iso20022Error {
    Iso20022Error::Xml {
        file: file.to_owned(),
        position,
        message: message.into(),
    }
}

fn start(file: &str, position: u64, e: &BytesStart<'_>) -> Result<Element, Iso20022Error> {
    let name = e.name();
    let mut el = Element {
        name: e.local_name().as_ref().to_owned(),
        prefix: name.prefix().map(|p| p.as_ref().to_owned()),
        ..Element::default()
    };
    for attr in e.attributes() {
        let attr = attr.map_err(|err| xml_error(file, position, err.to_string()))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| xml_error(file, position, err.to_string()))?;
        el.attrs
            .push((attr.key.as_ref().to_owned(), value.into_owned()));
    }
    Ok(el)
}

/// Parses a whole document into its root element.
pub(crate) fn parse(xml: &str, file: &str) -> Result<Element, Iso20022Error> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let config = reader.config_mut();
    config.trim_text(true);
    config.check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|err| xml_error(file, reader.error_position(), err.to_string()))?;
        let text_outside = || xml_error(file, position, "text outside the root element");
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(xml_error(file, position, "a second root element"));
            }
            Event::Start(_) | Event::Empty(_) if stack.len() >= MAX_DEPTH => {
                return Err(xml_error(file, position, "elements nested too deep"));
            }
            Event::Start(e) => stack.push(start(file, position, &e)?),
            Event::Empty(e) => {
                stack.push(start(file, position, &e)?);
                close(&mut stack, &mut root);
            }
            Event::End(_) => close(&mut stack, &mut root),
            Event::Text(t) => {
                let text = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(text_outside()),
                }
            }
            Event::CData(t) => {
                let text: &str = t.as_ref();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(text),
                    None => return Err(text_outside()),
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r
                    .resolve_char_ref()
                    .map_err(|err| xml_error(file, position, err.to_string()))?
                {
                    Some(c) => c.to_string(),
                    None => resolve_predefined_entity(&r)
                        .ok_or_else(|| {
                            xml_error(file, position, format!("unknown entity &{};", &*r))
                        })?
                        .to_owned(),
                };
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&resolved),
                    None => return Err(text_outside()),
                }
            }
            Event::DocType(_) => {
                return Err(xml_error(file, position, "a DOCTYPE is not allowed"));
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(xml_error(
            file,
            reader.buffer_position(),
            "the document ends inside an element",
        ));
    }
    root.ok_or_else(|| xml_error(file, 0, "no root element"))
}

fn close(stack: &mut Vec<Element>, root: &mut Option<Element>) {
    if let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => *root = Some(done),
        }
    }
}

/// The root `Document`, checked to be the message `message` in namespace `NS_PREFIX + id`;
/// returns the message element.
pub(crate) fn message<'a>(
    root: &'a Element,
    file: &'a str,
    id: &str,
    message: &str,
) -> Result<Node<'a>, Iso20022Error> {
    let expected_ns = format!("{NS_PREFIX}{id}");
    let found_ns = root.namespace().unwrap_or("no namespace");
    let first = root.children.first();
    let found_msg = first.map(|c| c.name.as_str()).unwrap_or("nothing");
    if root.name != "Document" || found_ns != expected_ns || found_msg != message {
        return Err(Iso20022Error::MessageType {
            file: file.to_owned(),
            expected: format!("{expected_ns} {message}"),
            found: format!("{found_ns} {}/{found_msg}", root.name),
        });
    }
    let doc = Node {
        el: root,
        path: "/Document".to_owned(),
        file,
    };
    doc.child(message)
}

/// An element with its path, for errors that say where.
#[derive(Debug, Clone)]
pub(crate) struct Node<'a> {
    el: &'a Element,
    path: String,
    file: &'a str,
}

impl<'a> Node<'a> {
    fn at(&self, el: &'a Element) -> Node<'a> {
        Node {
            el,
            path: format!("{}/{}", self.path, el.name),
            file: self.file,
        }
    }

    /// The element's local name.
    pub(crate) fn name(&self) -> &'a str {
        &self.el.name
    }

    /// The first child called `name`, if any.
    pub(crate) fn opt(&self, name: &str) -> Option<Node<'a>> {
        self.el
            .children
            .iter()
            .find(|c| c.name == name)
            .map(|c| self.at(c))
    }

    /// The first child called `name`, or an error naming its path.
    pub(crate) fn child(&self, name: &str) -> Result<Node<'a>, Iso20022Error> {
        self.opt(name).ok_or_else(|| Iso20022Error::Missing {
            file: self.file.to_owned(),
            path: format!("{}/{name}", self.path),
        })
    }

    /// A descendant along `path` (`A/B/C`).
    pub(crate) fn get(&self, path: &str) -> Result<Node<'a>, Iso20022Error> {
        let mut node = self.clone();
        for name in path.split('/') {
            node = node.child(name)?;
        }
        Ok(node)
    }

    /// A descendant along `path`, if all of it is there.
    pub(crate) fn find(&self, path: &str) -> Option<Node<'a>> {
        let mut node = self.clone();
        for name in path.split('/') {
            node = node.opt(name)?;
        }
        Some(node)
    }

    /// Every child called `name`.
    pub(crate) fn all(&self, name: &'a str) -> impl Iterator<Item = Node<'a>> + '_ {
        self.el
            .children
            .iter()
            .filter(move |c| c.name == name)
            .map(|c| self.at(c))
    }

    /// The option of a choice: its one child element.
    pub(crate) fn choice(&self) -> Result<Node<'a>, Iso20022Error> {
        match self.el.children.as_slice() {
            [one] => Ok(self.at(one)),
            [] => Err(self.invalid("a choice with no option")),
            _ => Err(self.invalid(format!(
                "a choice with {} options, expected one",
                self.el.children.len()
            ))),
        }
    }

    /// An error about this element.
    pub(crate) fn invalid(&self, problem: impl Into<String>) -> Iso20022Error {
        Iso20022Error::Invalid {
            file: self.file.to_owned(),
            path: self.path.clone(),
            problem: problem.into(),
        }
    }

    /// The text, trimmed; empty text is refused.
    pub(crate) fn text(&self) -> Result<&'a str, Iso20022Error> {
        let text = self.el.text.trim();
        if text.is_empty() {
            return Err(self.invalid("empty"));
        }
        Ok(text)
    }

    /// Text of at most `max` characters (the Max35Text family).
    pub(crate) fn text_max(&self, max: usize) -> Result<String, Iso20022Error> {
        let text = self.text()?;
        let n = text.chars().count();
        if n > max {
            return Err(self.invalid(format!("{n} characters, at most {max} allowed")));
        }
        Ok(text.to_owned())
    }

    /// A code from a fixed list (`RECE`, `DELI`, ...).
    pub(crate) fn code<T: Copy>(&self, codes: &[(&str, T)]) -> Result<T, Iso20022Error> {
        let text = self.text()?;
        codes
            .iter()
            .find(|(c, _)| *c == text)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let allowed: Vec<&str> = codes.iter().map(|(c, _)| *c).collect();
                self.invalid(format!(
                    "unknown code {text:?}, expected {}",
                    allowed.join(" or ")
                ))
            })
    }

    /// An attribute's value.
    pub(crate) fn attr(&self, name: &str) -> Result<&'a str, Iso20022Error> {
        self.el
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| Iso20022Error::Missing {
                file: self.file.to_owned(),
                path: format!("{}/@{name}", self.path),
            })
    }

    /// A non-negative decimal as XML Schema writes it (digits, an optional fraction).
    pub(crate) fn decimal(&self) -> Result<Decimal, Iso20022Error> {
        let text = self.text()?;
        parse_decimal(text).ok_or_else(|| self.invalid(format!("not a decimal: {text:?}")))
    }

    /// A date `YYYY-MM-DD`.
    pub(crate) fn date(&self) -> Result<Date, Iso20022Error> {
        let text = self.text()?;
        parse_date(text).ok_or_else(|| self.invalid(format!("not a date YYYY-MM-DD: {text:?}")))
    }

    /// The date of a `DateAndDateTime2Choice` (`Dt` or the date part of `DtTm`).
    pub(crate) fn date_choice(&self) -> Result<Date, Iso20022Error> {
        let option = self.choice()?;
        match option.name() {
            "Dt" => option.date(),
            "DtTm" => {
                let text = option.text()?;
                text.get(..10)
                    .filter(|_| text.as_bytes().get(10) == Some(&b'T'))
                    .and_then(parse_date)
                    .ok_or_else(|| option.invalid(format!("not a date and time: {text:?}")))
            }
            other => Err(option.invalid(format!("unexpected element {other}"))),
        }
    }

    /// An ISIN.
    pub(crate) fn isin(&self) -> Result<Isin, Iso20022Error> {
        Isin::parse(self.text()?).map_err(|e| self.invalid(e.to_string()))
    }

    /// A BIC.
    pub(crate) fn bic(&self) -> Result<Bic, Iso20022Error> {
        Bic::parse(self.text()?).map_err(|e| self.invalid(e.to_string()))
    }

    /// A LEI.
    pub(crate) fn lei(&self) -> Result<Lei, Iso20022Error> {
        Lei::parse(self.text()?).map_err(|e| self.invalid(e.to_string()))
    }

    /// An `ActiveCurrencyAndAmount`: the amount and its `Ccy` attribute.
    pub(crate) fn amount(&self) -> Result<(Decimal, Currency), Iso20022Error> {
        let amount = self.decimal()?;
        let code = self.attr("Ccy")?;
        let currency = Currency::parse(code).map_err(|e| Iso20022Error::Invalid {
            file: self.file.to_owned(),
            path: format!("{}/@Ccy", self.path),
            problem: e.to_string(),
        })?;
        Ok((amount, currency))
    }
}

fn parse_decimal(text: &str) -> Option<Decimal> {
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    Decimal::from_str(text).ok()
}

fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    Date::from_str(text).ok()
}

/// The writer every message module uses: indented, UTF-8, with the XML declaration.
pub(crate) struct Out {
    w: Writer<Vec<u8>>,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Out")
    }
}

impl Out {
    pub(crate) fn new() -> Out {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        // Writing into a Vec cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        Out { w }
    }

    /// Opens an element, with attributes.
    pub(crate) fn open_with(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut start = BytesStart::new(name);
        for a in attrs {
            start.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(start));
    }

    pub(crate) fn open(&mut self, name: &str) {
        self.open_with(name, &[]);
    }

    pub(crate) fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    /// An element with text content (escaped), and attributes.
    pub(crate) fn leaf_with(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        let mut start = BytesStart::new(name);
        for a in attrs {
            start.push_attribute(*a);
        }
        let _ = self.w.write_event(Event::Start(start));
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    pub(crate) fn leaf(&mut self, name: &str, text: &str) {
        self.leaf_with(name, &[], text);
    }

    /// Elements nested along `path` (`A/B/C`) around a text.
    pub(crate) fn nested(&mut self, path: &str, text: &str) {
        let names: Vec<&str> = path.split('/').collect();
        if let Some((last, outer)) = names.split_last() {
            for n in outer {
                self.open(n);
            }
            self.leaf(last, text);
            for n in outer.iter().rev() {
                self.close(n);
            }
        }
    }

    pub(crate) fn finish(self) -> String {
        let mut bytes = self.w.into_inner();
        bytes.push(b'\n');
        // Every piece written was a &str.
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// A quantity without exponent noise or trailing zeros (`1000`, `0.5`).
pub(crate) fn quantity_text(q: Decimal) -> String {
    q.normalize().to_string()
}

/// An amount with its currency's minor units (`20020.00`; `1500` in JPY); an amount with more
/// decimals than the currency has is written as it is, never rounded here.
pub(crate) fn amount_text(a: Decimal, currency: Currency) -> String {
    match currency.minor_units() {
        Some(units) if a.scale() <= u32::from(units) => {
            let mut a = a;
            a.rescale(u32::from(units));
            a.to_string()
        }
        _ => a.normalize().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_dates_are_strict() {
        assert_eq!(parse_decimal("1000"), Some(Decimal::from(1000)));
        assert_eq!(parse_decimal("0.50"), Decimal::from_str("0.5").ok());
        for bad in ["", "-1", "+1", "1e3", ".5", "1.", "1,5", "١"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
        assert!(parse_date("2025-07-14").is_some());
        for bad in ["2025-02-30", "2025-7-14", "20250714", "+02025-07-14"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn self_closing_elements_close() -> Result<(), Iso20022Error> {
        let root = parse("<A><B/><C x='1'>t</C><D /></A>", "t.xml")?;
        let names: Vec<&str> = root.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["B", "C", "D"]);
        Ok(())
    }
}
