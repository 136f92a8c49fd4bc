using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticSeq2Seq.Generators.Diagnostics;
using StaticSeq2Seq.Generators.Emit;
using StaticSeq2Seq.Generators.Model;
using StaticSeq2Seq.Generators.Parsing;
using StaticSeq2Seq.Generators.Planning;
using StaticSeq2Seq.Generators.Validation;

namespace StaticSeq2Seq.Generators;

/// <summary>
/// Completes every <c>[Seq2SeqModel]</c> partial class: Parse (attribute to <see cref="ModelSpec"/>, the cache
/// boundary) -> Validate (invalid specs stop here; <see cref="Seq2SeqModelAnalyzer"/> reports why) -> Plan
/// (layout and kernels) -> Emit (C# source). It never throws: a bug becomes diagnostic S2S9999.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class Seq2SeqGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SpecParser.AttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax { ClassOrStructKeyword.RawKind: not (int)SyntaxKind.StructKeyword },
                static (target, cancellationToken) => ParseSafely((INamedTypeSymbol)target.TargetSymbol, target.Attributes[0], target.SemanticModel.Compilation, cancellationToken))
            .WithTrackingName(StepNames.ParseSpec);

        var plans = specs
            .Select(static (parsed, _) => PlanSafely(parsed))
            .WithTrackingName(StepNames.BuildPlan);

        context.RegisterSourceOutput(plans, static (output, planned) => Emit(output, planned));
    }

    private static ParsedModel ParseSafely(INamedTypeSymbol type, AttributeData attribute, Compilation compilation, CancellationToken cancellationToken)
    {
        try
        {
            // On two partial declarations the attribute is the compiler's error CS0579, and each declaration is a target
            // of its own: generating for both would add every file twice (the driver fails on the repeated hint names).
            if (IsAppliedMoreThanOnce(type, attribute))
            {
                return new ParsedModel(type.Name, null, null);
            }
            return new ParsedModel(type.Name, SpecParser.Parse(type, attribute, compilation, cancellationToken), null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new ParsedModel(type.Name, null, exception.Message);
        }
    }

    private static bool IsAppliedMoreThanOnce(INamedTypeSymbol type, AttributeData attribute)
    {
        var count = 0;
        foreach (var applied in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(applied.AttributeClass, attribute.AttributeClass) && ++count > 1)
            {
                return true;
            }
        }
        return false;
    }

    private static PlannedModel PlanSafely(ParsedModel parsed)
    {
        if (parsed.InternalError is not null || parsed.Spec is not { } spec)
        {
            return new PlannedModel(parsed.ClassName, null, parsed.InternalError);
        }
        try
        {
            // An argument the compiler rejected has no value to generate for; the compiler's error says why.
            var plan = SpecValidator.Validate(spec).IsEmpty && spec.Arguments.Unreadable.Length == 0
                ? Planner.Plan(spec, SpecValidator.Resolve(spec.Arguments))
                : null;
            return new PlannedModel(spec.ClassName, plan, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new PlannedModel(spec.ClassName, null, exception.Message);
        }
    }

    private static void Emit(SourceProductionContext output, PlannedModel planned)
    {
        if (planned.InternalError is not null)
        {
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, planned.ClassName, planned.InternalError));
            return;
        }
        if (planned.Plan is not { } plan)
        {
            return;
        }
        try
        {
            foreach (var file in ModelEmitter.Emit(plan))
            {
                output.AddSource(file.HintName, file.Source);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, planned.ClassName, exception.Message));
        }
    }
}
