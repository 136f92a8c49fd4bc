using Microsoft.CodeAnalysis;

namespace StaticSeq2Seq.Generators.Validation;

/// <summary>
/// One thing wrong with a declaration. <see cref="ArgumentName"/> names the attribute argument at fault, is
/// <see cref="WholeAttribute"/> when no one argument is (the analyzer points at the attribute), or is null when
/// the class itself is (the analyzer points at the class name).
/// </summary>
internal sealed record SpecProblem(DiagnosticDescriptor Descriptor, string? ArgumentName, object[] MessageArguments)
{
    public const string WholeAttribute = "";
}
