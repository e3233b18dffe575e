//! Real plans (seeded from `fixtures/**/plan.json`) mutated as JSON trees: sections deleted,
//! duplicated and swapped, values of the wrong type, references pointed at other resources or at
//! nothing, module outputs made to refer to each other, ids copied between attributes, deep
//! nesting, huge numbers, planted canary values that no error may print.
#![no_main]

libfuzzer_sys::fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    vpclint_fuzz::mutate(data, size, max_size, seed)
});

libfuzzer_sys::fuzz_crossover!(|data1: &[u8], data2: &[u8], out: &mut [u8], seed: u32| {
    vpclint_fuzz::crossover(data1, data2, out, seed)
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vpclint_fuzz::check(data);
});
