namespace StaticSeq2Seq.Generators.Emit;

/// <summary>One emitted source file.</summary>
internal sealed record GeneratedFile(string HintName, string Source);
