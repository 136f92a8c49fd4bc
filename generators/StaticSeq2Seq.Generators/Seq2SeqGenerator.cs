using System;
using Microsoft.CodeAnalysis;
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
                static (node, _) => node is ClassDeclarationSyntax,
                static (target, cancellationToken) => Guard(target.TargetSymbol.Name, () =>
                    new ParsedModel(target.TargetSymbol.Name, SpecParser.Parse((INamedTypeSymbol)target.TargetSymbol, target.Attributes[0], cancellationToken), null)))
            .WithTrackingName(StepNames.ParseSpec);

        var plans = specs
            .Select(static (parsed, _) => Guard(parsed.ClassName, () => PlanIfValid(parsed)))
            .WithTrackingName(StepNames.BuildPlan);

        context.RegisterSourceOutput(plans, static (output, planned) => Emit(output, planned));
    }

    private static PlannedModel PlanIfValid(ParsedModel parsed)
    {
        if (parsed.InternalError is not null || parsed.Spec is not { } spec)
        {
            return new PlannedModel(parsed.ClassName, null, parsed.InternalError);
        }
        var plan = SpecValidator.Validate(spec).IsEmpty
            ? Planner.Plan(spec.Namespace, spec.ClassName, SpecValidator.Resolve(spec.Arguments))
            : null;
        return new PlannedModel(spec.ClassName, plan, null);
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

    /// <summary>Runs a pipeline step, turning an escaped exception (a generator bug) into a result that carries its message.</summary>
    private static T Guard<T>(string className, Func<T> step)
        where T : class
    {
        try
        {
            return step();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return typeof(T) == typeof(ParsedModel)
                ? (T)(object)new ParsedModel(className, null, exception.Message)
                : (T)(object)new PlannedModel(className, null, exception.Message);
        }
    }
}
