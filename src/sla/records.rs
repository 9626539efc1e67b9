//! CSV records from a byte stream through bounded buffers: the byte layer
//! under [`super::reader`]. Owns the input and record buffers (they start
//! small and grow as rows need, so a small export touches little memory and
//! a row never grows it past [`MAX_ROW_BYTES`]), byte offsets and line
//! numbers, and a fast path for plain lines that agrees with csv-core byte
//! for byte.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

use super::row::Row;

/// Longest row read; longer ones are rejected (an unclosed quote, or not CSV).
pub const MAX_ROW_BYTES: usize = 1 << 20;
/// Most fields a row may have.
pub const MAX_FIELDS: usize = 4096;
/// The most input read at a time.
const INPUT_BUFFER: usize = 256 << 10;
/// The buffers' first sizes; each doubles when full, up to its limit.
const FIRST_INPUT: usize = 16 << 10;
const FIRST_ROW_BYTES: usize = 4 << 10;
const FIRST_FIELDS: usize = 64;

/// What the next record was.
pub(super) enum Next {
    Row,
    /// Longer than the buffers: read past, its content lost.
    Overflow,
    /// A quote that never closes: the record ran to the end of the input.
    /// Its opening line and the lines after it that it swallowed are in
    /// [`Records::unterminated`].
    Unterminated,
    End,
}

/// CSV records from a byte stream through bounded buffers. Plain lines (no
/// quote, no carriage return but before the line feed), the vast majority,
/// are split in place by [`plain_line`]; anything else goes through
/// csv-core, which the plain path agrees with byte for byte.
pub(super) struct Records<R> {
    source: R,
    core: csv_core::Reader,
    input: Vec<u8>,
    at: usize,
    len: usize,
    eof: bool,
    /// Bytes consumed from the stream.
    pub(super) consumed: u64,
    /// 1 + line feeds consumed.
    pub(super) line: u64,
    /// Whether the plain path may be used (not for a file's first record: a BOM).
    plain: bool,
    output: Vec<u8>,
    ends: Vec<usize>,
    fields: usize,
    /// The last record: a span of `input` (plain path), or `out_len` bytes of `output`.
    span: Option<(usize, usize)>,
    out_len: usize,
    /// Line feeds in parts of an overflowing record that were dropped.
    dropped_newlines: u64,
    last_byte: u8,
    /// For [`Next::Unterminated`]: (line of the opening quote, lines after it swallowed).
    unterminated: Option<(u64, u64)>,
    /// The field separator: `,`, `;` or a tab.
    delimiter: u8,
}

impl<R: Read> Records<R> {
    pub(super) fn new(source: R) -> Records<R> {
        Records {
            source,
            core: csv_core::Reader::new(),
            input: vec![0; FIRST_INPUT],
            at: 0,
            len: 0,
            eof: false,
            consumed: 0,
            line: 1,
            plain: false,
            output: vec![0; FIRST_ROW_BYTES],
            ends: vec![0; FIRST_FIELDS],
            fields: 0,
            span: None,
            out_len: 0,
            dropped_newlines: 0,
            last_byte: 0,
            unterminated: None,
            delimiter: b',',
        }
    }

    /// The same reader, fields separated by `delimiter`.
    pub(super) fn with_delimiter(mut self, delimiter: u8) -> Records<R> {
        self.set_delimiter(delimiter);
        self
    }

    /// Read with `delimiter` from now on (before the first record). Building
    /// csv-core's reader is costly (its state table), so the one for `,`
    /// that [`Records::new`] made is kept when `,` is asked for.
    fn set_delimiter(&mut self, delimiter: u8) {
        if delimiter != self.delimiter {
            self.core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
            self.delimiter = delimiter;
        }
    }

    pub(super) fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Before the first record: take the separator from the header line
    /// (SPEC 11) — whichever of `,`, `;` and tab occurs most outside quotes
    /// (`,` when none does) — and read the rest with it.
    pub(super) fn detect_delimiter(&mut self) -> io::Result<u8> {
        while !self.eof && !self.input[..self.len].contains(&b'\n') {
            if self.len == self.input.len() {
                if self.input.len() == INPUT_BUFFER {
                    break;
                }
                self.input.resize(grown(self.input.len(), INPUT_BUFFER), 0);
            }
            match self.source.read(&mut self.input[self.len..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
                Ok(0) => self.eof = true,
                Ok(n) => self.len += n,
            }
        }
        let (mut counts, mut quoted) = ([0usize; 3], false);
        for &b in &self.input[..self.len] {
            match b {
                b'\n' if !quoted => break,
                b'"' => quoted = !quoted,
                b',' if !quoted => counts[0] += 1,
                b';' if !quoted => counts[1] += 1,
                b'\t' if !quoted => counts[2] += 1,
                _ => {}
            }
        }
        let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
        let delimiter = if counts[best] == 0 { b',' } else { [b',', b';', b'\t'][best] };
        self.set_delimiter(delimiter);
        Ok(delimiter)
    }

    pub(super) fn next(&mut self) -> io::Result<Next> {
        while self.plain {
            match plain_line(&self.input[self.at..self.len], &mut self.ends, self.delimiter) {
                Some((used, content, fields)) => {
                    let start = self.at;
                    self.at += used;
                    self.consumed += used as u64;
                    self.line += 1;
                    self.last_byte = b'\n';
                    if fields == 1 && content == 0 {
                        continue; // a blank line, skipped as csv-core does
                    }
                    self.fields = fields;
                    self.span = Some((start, start + content));
                    self.dropped_newlines = 0;
                    return Ok(Next::Row);
                }
                None => break,
            }
        }
        let next = self.next_quoted();
        self.plain = true;
        next
    }

    /// The next record through csv-core.
    fn next_quoted(&mut self) -> io::Result<Next> {
        let (mut out, mut end, mut overflow) = (0usize, 0usize, false);
        let lines_before = self.core.line();
        self.dropped_newlines = 0;
        self.span = None;
        self.unterminated = None;
        // Quote parity over the raw bytes, to tell a record that ended at
        // the end of the input inside a quoted field (csv-core accepts it).
        let mut quotes = QuoteTracker { line: self.line, delimiter: self.delimiter, ..QuoteTracker::default() };
        let result = loop {
            if self.at == self.len && !self.eof {
                if self.len == self.input.len() && self.len < INPUT_BUFFER {
                    // The last read filled the buffer: read more at a time.
                    self.input.resize(grown(self.len, INPUT_BUFFER), 0);
                }
                self.len = loop {
                    match self.source.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.at = 0;
                self.eof = self.len == 0;
            }
            let input = &self.input[self.at..self.len];
            let (result, nin, nout, nend) =
                self.core.read_record(input, &mut self.output[out..], &mut self.ends[end..]);
            // The byte that ended the record; none when the input ran out (end of file).
            self.last_byte = if nin > 0 { input[nin - 1] } else { 0 };
            quotes.scan(&input[..nin]);
            self.at += nin;
            self.consumed += nin as u64;
            out += nout;
            end += nend;
            match result {
                ReadRecordResult::InputEmpty if self.eof => break Next::End,
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull if self.output.len() < MAX_ROW_BYTES => {
                    self.output.resize(grown(self.output.len(), MAX_ROW_BYTES), 0);
                }
                ReadRecordResult::OutputEndsFull if self.ends.len() < MAX_FIELDS => {
                    self.ends.resize(grown(self.ends.len(), MAX_FIELDS), 0);
                }
                ReadRecordResult::OutputFull => {
                    self.dropped_newlines += self.output[..out].iter().filter(|b| **b == b'\n').count() as u64;
                    overflow = true;
                    out = 0;
                }
                ReadRecordResult::OutputEndsFull => {
                    overflow = true;
                    end = 0;
                }
                ReadRecordResult::Record if self.eof && quotes.open().is_some() => {
                    let opened = quotes.open().unwrap_or(self.line);
                    let after = quotes.line - opened - u64::from(quotes.last == b'\n');
                    self.unterminated = Some((opened, after));
                    // What csv-core made of it stays readable (cut short if it overflowed).
                    self.fields = end;
                    self.out_len = out;
                    break Next::Unterminated;
                }
                ReadRecordResult::Record => {
                    self.fields = end;
                    self.out_len = out;
                    break if overflow { Next::Overflow } else { Next::Row };
                }
                ReadRecordResult::End => break Next::End,
            }
        };
        self.line += self.core.line() - lines_before;
        Ok(result)
    }

    /// After [`Next::Unterminated`]: the line of the quote that never
    /// closes and how many lines after it the record swallowed, counted
    /// from this reader's start.
    pub(super) fn unterminated(&self) -> Option<(u64, u64)> {
        self.unterminated
    }

    /// The last record read.
    pub(super) fn row(&self) -> Row<'_> {
        match self.span {
            Some((start, end)) => Row::delimited(&self.input[start..end], &self.ends[..self.fields]),
            None => Row::new(&self.output[..self.out_len], &self.ends[..self.fields]),
        }
    }

    /// The line the last record started on, counted from this reader's start.
    pub(super) fn record_line(&self) -> u64 {
        let data = if self.span.is_some() { &[][..] } else { &self.output[..self.out_len] };
        let inside = data.iter().filter(|b| **b == b'\n').count() as u64 + self.dropped_newlines;
        let terminator = u64::from(self.last_byte == b'\n');
        self.line.saturating_sub(inside + terminator).max(1)
    }
}

/// Twice `size`, at most `limit`.
fn grown(size: usize, limit: usize) -> usize {
    (size * 2).min(limit)
}

/// Whether the raw bytes of a record leave a quote open, and where it
/// opened: csv-core's rules for `"` (a quote opens only at a field's start,
/// `""` inside quotes is one quote), tracked without the field content.
#[derive(Default)]
struct QuoteTracker {
    /// The line being read.
    line: u64,
    state: QuoteState,
    /// The line of the last opening quote.
    opened: u64,
    last: u8,
    delimiter: u8,
}

#[derive(Default, PartialEq)]
enum QuoteState {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: an escaped quote or the closing one.
    QuoteInQuoted,
}

impl QuoteTracker {
    fn scan(&mut self, bytes: &[u8]) {
        use QuoteState::*;
        for &b in bytes {
            if b == b'\n' {
                self.line += 1;
            }
            self.state = match (&self.state, b) {
                (FieldStart, b'"') => {
                    self.opened = self.line;
                    Quoted
                }
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, _) | (QuoteInQuoted, b'"') => Quoted,
                (_, b'\n' | b'\r') => FieldStart,
                (_, b) if b == self.delimiter => FieldStart,
                _ => Unquoted,
            };
        }
        if let Some(&b) = bytes.last() {
            self.last = b;
        }
    }

    /// The line of the quote left open, if one is.
    fn open(&self) -> Option<u64> {
        (self.state == QuoteState::Quoted).then_some(self.opened)
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `word` that equals `byte`.
#[inline]
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let v = word ^ (ONES * u64::from(byte));
    !(((v & LOW7) + LOW7) | v | LOW7)
}

/// Split one plain line at the start of `input` at `delimiter`: a line feed ends it, no
/// quote occurs in it and a carriage return only right before the line
/// feed. Writes the field ends (relative to the line's start) to `ends` and
/// gives (bytes used with the line end, content length, fields); `None`
/// when the line is not plain or not complete in `input`.
#[inline]
pub(super) fn plain_line(input: &[u8], ends: &mut [usize], delimiter: u8) -> Option<(usize, usize, usize)> {
    let mut fields = 0usize;
    let mut at = 0usize;
    let mut carriage_return = false;
    let mut special = |i: usize, fields: &mut usize| -> Option<bool> {
        match input[i] {
            b if b == delimiter => {
                // Keep one slot for the last field.
                *ends.get_mut(*fields + 1)? = 0;
                ends[*fields] = i;
                *fields += 1;
                Some(false)
            }
            b'\n' => Some(true),
            b'\r' if input.get(i + 1) == Some(&b'\n') => {
                carriage_return = true;
                Some(false)
            }
            _ => None,
        }
    };
    let newline = 'scan: {
        for word in input.chunks_exact(8) {
            let word = u64::from_le_bytes([word[0], word[1], word[2], word[3], word[4], word[5], word[6], word[7]]);
            let mut mask = bytes_equal(word, delimiter)
                | bytes_equal(word, b'\n')
                | bytes_equal(word, b'"')
                | bytes_equal(word, b'\r');
            while mask != 0 {
                let i = at + (mask.trailing_zeros() / 8) as usize;
                if special(i, &mut fields)? {
                    break 'scan i;
                }
                mask &= mask - 1;
            }
            at += 8;
        }
        for (i, byte) in input.iter().enumerate().skip(at) {
            if (*byte == delimiter || matches!(byte, b'\n' | b'"' | b'\r')) && special(i, &mut fields)? {
                break 'scan i;
            }
        }
        return None;
    };
    let content = if carriage_return { newline - 1 } else { newline };
    *ends.get_mut(fields)? = content;
    Some((newline + 1, content, fields + 1))
}
