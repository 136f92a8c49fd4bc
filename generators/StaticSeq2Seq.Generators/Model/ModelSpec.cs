using StaticSeq2Seq.Generators.Helpers;

namespace StaticSeq2Seq.Generators.Model;

/// <summary>
/// What the parser read from one <c>[Seq2SeqModel]</c> declaration: the class's facts and each argument as
/// written (null when absent). Plain values only, so it is the incremental cache boundary: an edit that
/// leaves it equal re-runs nothing downstream.
/// </summary>
/// <param name="Namespace">Containing namespace, or null for the global namespace.</param>
/// <param name="ClassName">The annotated class's name, as metadata spells it (no <c>@</c>).</param>
/// <param name="Keyword">How the class is declared: <c>class</c> or <c>record</c>.</param>
/// <param name="Class">Facts about the declaration that decide whether it can be completed.</param>
/// <param name="Arguments">The attribute's arguments as written.</param>
internal sealed record ModelSpec(string? Namespace, string ClassName, string Keyword, ClassFacts Class, ModelArguments Arguments);

/// <param name="IsPartial">Every declaration of the class is <c>partial</c>.</param>
/// <param name="IsNested">The class is declared inside another type.</param>
/// <param name="IsGeneric">The class has type parameters.</param>
/// <param name="IsStatic">The class is <c>static</c>.</param>
internal sealed record ClassFacts(bool IsPartial, bool IsNested, bool IsGeneric, bool IsStatic);

/// <summary>
/// The attribute's named arguments; null where the declaration leaves one out. <paramref name="Unreadable"/> names
/// the arguments written with a value the compiler already rejects, so they are not reported again as missing.
/// </summary>
internal sealed record ModelArguments(
    int? SourceVocabularySize,
    int? TargetVocabularySize,
    int? EmbeddingSize,
    int? HiddenSize,
    int? Layers,
    int? Cell,
    int? MaxSourceLength,
    int? MaxTargetLength,
    int? Attention,
    bool? BidirectionalEncoder,
    int? DecodeWeights,
    EquatableArray<string> Unreadable);
