using System;
using StaticSeq2Seq.Generators.Model;

namespace StaticSeq2Seq.Generators.Emit;

/// <summary>
/// Emits the parameter version a model keeps when decoding reads something derived from its parameters
/// (<c>ModelPlan.TracksParameterVersion</c>): each derived copy remembers the version it was built at and is rebuilt when
/// the version has moved on.
/// </summary>
internal static class ParameterVersionEmitter
{
    /// <summary>
    /// The version and <c>ParametersChanged</c>, emitted once in the model file when the plan tracks the version; each
    /// derived copy adds only its own fields and <see cref="EmitCurrentAndRebuild"/>.
    /// </summary>
    public static void Emit(CodeWriter w, ModelPlan plan)
    {
        if (!plan.TracksParameterVersion)
        {
            return;
        }
        w.Line("// Bumped each time the parameters are handed out for writing (Parameters, InitializeParameters), which is how");
        w.Line("// training, optimizers, checkpoint loads and users change them; a copy decoding derives from the parameters is");
        w.Line("// current when it was built at this version.");
        w.Line("private long parameterVersion;");
        w.Line();
        w.Line("/// <summary>Marks the copies decoding derives from the parameters stale: the parameters may change through the span handed out.</summary>");
        w.Line("private void ParametersChanged() => global::System.Threading.Interlocked.Increment(ref parameterVersion);");
        w.Line();
    }

    /// <summary>What the <c>Parameters</c> getter and <c>InitializeParameters</c> run first: derived copies are stale from then on.</summary>
    public static string InvalidationCall(ModelPlan plan) => plan.TracksParameterVersion ? "ParametersChanged(); " : "";

    /// <summary>
    /// A copy derived from the parameters, kept current: <c>{name}Version</c> and <c>{name}Lock</c>, then <c>{current}()</c>,
    /// which returns it after calling <c>{rebuild}()</c> if the parameters may have changed since it was built; the rebuild
    /// runs <paramref name="body"/> under the lock and records the version it built from.
    /// </summary>
    public static void EmitCurrentAndRebuild(CodeWriter w, DerivedCopy copy, Action<CodeWriter> body)
    {
        w.Line($"private long {copy.Name}Version = -1;");
        w.Line($"private readonly global::System.Threading.Lock {copy.Name}Lock = new();");
        w.Line();
        w.Line($"/// <summary>{copy.CurrentSummary}</summary>");
        using (w.Block($"private {copy.Type} {copy.Current}()"))
        {
            using (w.Block($"if (global::System.Threading.Volatile.Read(ref {copy.Name}Version) != global::System.Threading.Volatile.Read(ref parameterVersion))"))
            {
                w.Line($"{copy.Rebuild}();");
            }
            w.Line($"return {copy.Value};");
        }
        w.Line();
        foreach (var line in copy.RebuildSummary)
        {
            w.Line(line);
        }
        using (w.Block($"private void {copy.Rebuild}()"))
        {
            using (w.Block($"lock ({copy.Name}Lock)"))
            {
                w.Line("long version = global::System.Threading.Volatile.Read(ref parameterVersion);");
                using (w.Block($"if ({copy.Name}Version == version)"))
                {
                    w.Line("return;");
                }
                body(w);
                w.Line($"global::System.Threading.Volatile.Write(ref {copy.Name}Version, version);");
            }
        }
    }
}

/// <summary>How the emitted code names and describes one copy derived from the parameters.</summary>
/// <param name="Name">The field holding it; the version and lock fields <see cref="ParameterVersionEmitter.EmitCurrentAndRebuild"/> emits for it add <c>Version</c> and <c>Lock</c>.</param>
/// <param name="Type">What the accessor returns.</param>
/// <param name="Current">The accessor that returns it current.</param>
/// <param name="Rebuild">The method that rebuilds it.</param>
/// <param name="Value">The accessor's return expression.</param>
/// <param name="CurrentSummary">The accessor's summary.</param>
/// <param name="RebuildSummary">The rebuild's doc comment, line by line.</param>
internal sealed record DerivedCopy(string Name, string Type, string Current, string Rebuild, string Value, string CurrentSummary, string[] RebuildSummary);
