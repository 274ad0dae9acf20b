//! Did-you-mean: the closest candidate by edit distance, if close enough.

/// The candidate closest to `word` by Levenshtein distance over characters,
/// when the distance is at most a third of the word's length (at least 1)
/// and the candidate differs from the word.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = word.chars().count();
    let limit = len.div_ceil(3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("widow", ["window", "offer"]), Some("window"));
        assert_eq!(did_you_mean("抚洲", ["抚州", "南昌"]), Some("抚州"));
        assert_eq!(did_you_mean("zzzzzz", ["window", "offer"]), None);
    }
}
