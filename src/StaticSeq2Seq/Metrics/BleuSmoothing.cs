namespace StaticSeq2Seq.Metrics;

/// <summary>
/// How <see cref="Bleu"/> treats an n-gram order with no matches, as sacreBLEU's <c>smooth_method</c> does
/// (methods 1 to 3 of Chen and Cherry, "A Systematic Comparison of Smoothing Techniques for Sentence-Level BLEU",
/// WMT 2014). Smoothing only matters when some order has no matches but others do; with no match at any order
/// the score is 0 whatever the method.
/// </summary>
public enum BleuSmoothing
{
    /// <summary>
    /// sacreBLEU's default (<c>'exp'</c>, the NIST smoothing of <c>mteval-v13a.pl</c>): the k-th order with no
    /// matches, counting from the lowest, gets the precision <c>1 / (2^k * total)</c> instead of 0.
    /// </summary>
    Exponential,

    /// <summary>No smoothing (<c>'none'</c>): an order with no matches has precision 0, so the score is 0.</summary>
    None,

    /// <summary>
    /// <c>'floor'</c>: an order with no matches gets the precision <c>smoothValue / total</c>; the value
    /// defaults to 0.1.
    /// </summary>
    Floor,

    /// <summary>
    /// <c>'add-k'</c>: every order above unigrams has <c>smoothValue</c> added to both its matches and its total;
    /// the value defaults to 1.
    /// </summary>
    AddK,
}
