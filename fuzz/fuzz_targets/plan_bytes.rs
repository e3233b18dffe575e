//! Arbitrary bytes as a plan: the JSON reader, the document checks, the zip sniffing, the
//! resolver, the network and the rules.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vpclint_fuzz::check(data);
});
