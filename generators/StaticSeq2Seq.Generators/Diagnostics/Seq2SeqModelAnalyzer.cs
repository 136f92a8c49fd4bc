using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticSeq2Seq.Generators.Parsing;
using StaticSeq2Seq.Generators.Validation;

namespace StaticSeq2Seq.Generators.Diagnostics;

/// <summary>
/// Reports what is wrong with a <c>[Seq2SeqModel]</c> declaration at the offending argument. It lives apart
/// from the generator, as the Roslyn cookbook advises, so no location enters the generator's cached models;
/// both share <see cref="SpecParser"/> and <see cref="SpecValidator"/>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class Seq2SeqModelAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ClassNotPartial,
        DiagnosticDescriptors.ClassNested,
        DiagnosticDescriptors.ClassGeneric,
        DiagnosticDescriptors.ClassStatic,
        DiagnosticDescriptors.ArgumentMissing,
        DiagnosticDescriptors.ArgumentOutOfRange,
        DiagnosticDescriptors.UnknownCell,
        DiagnosticDescriptors.ModelTooLarge,
        DiagnosticDescriptors.UnknownAttention,
        DiagnosticDescriptors.UnknownDecodeWeightFormat,
        DiagnosticDescriptors.ClassNamedLikeMember,
        DiagnosticDescriptors.NameHidesGeneratedUse);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(SpecParser.AttributeMetadataName);
            if (attributeType is null)
            {
                return;
            }
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, attributeType), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute is null)
        {
            return;
        }
        var spec = SpecParser.Parse(type, attribute, context.Compilation, context.CancellationToken);
        foreach (var problem in SpecValidator.Validate(spec))
        {
            context.ReportDiagnostic(Diagnostic.Create(problem.Descriptor, Locate(type, attribute, problem.ArgumentName, context), problem.MessageArguments));
        }
    }

    /// <summary>The argument's <c>Name = value</c>; the attribute itself when the argument is missing; the class name for class problems.</summary>
    private static Location Locate(INamedTypeSymbol type, AttributeData attribute, string? argumentName, SymbolAnalysisContext context)
    {
        if (argumentName is null)
        {
            return type.Locations.FirstOrDefault() ?? Location.None;
        }
        if (attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is not AttributeSyntax syntax)
        {
            return type.Locations.FirstOrDefault() ?? Location.None;
        }
        var argument = syntax.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == argumentName);
        return (argument ?? (SyntaxNode)syntax).GetLocation();
    }
}
