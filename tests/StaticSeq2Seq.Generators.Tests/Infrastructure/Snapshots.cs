using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using StaticSeq2Seq.Generators.Emit;

namespace StaticSeq2Seq.Generators.Tests.Infrastructure;

/// <summary>
/// Compares each generated file with a committed snapshot, following Verify.SourceGenerators' conventions so
/// that switching to it later is a one-line change (<c>return Verifier.Verify(run.Driver).UseDirectory("Snapshots");</c>).
/// <list type="bullet">
/// <item>Snapshots live in <c>Snapshots/</c> next to the test's source file (found through <see cref="CallerFilePathAttribute"/>),
/// one per generated file, named <c>{TestClass}.{TestMethod}#{HintName without .cs}.verified.cs</c>; the test class
/// is the name of the test's source file, so keep one test class per file.</item>
/// <item>Each snapshot starts with <c>//HintName: {HintName}</c>, as Verify.SourceGenerators writes it.</item>
/// <item>The generator's version (<see cref="ModelEmitter.Version"/>) is scrubbed to <c>%VERSION%</c>, and line endings are <c>\n</c>.</item>
/// <item>On a mismatch, a new file, or a snapshot the generator no longer produces, the received text is written
/// beside the snapshot as <c>*.received.cs</c> (git-ignored) and the test fails saying how to accept it:
/// review the diff, then rename the received file over the verified one.</item>
/// <item>Set the environment variable <c>S2S_ACCEPT_SNAPSHOTS=1</c> to accept every difference in place (Verify's
/// <c>AutoVerify</c>): the run then rewrites the verified files and passes. Review <c>git diff</c> afterwards.</item>
/// </list>
/// </summary>
internal static class Snapshots
{
    public const string AcceptVariable = "S2S_ACCEPT_SNAPSHOTS";

    private const string Directory = "Snapshots";

    private static readonly Regex VersionPattern = new($@"(?<![\w.]){Regex.Escape(ModelEmitter.Version)}(?![\w.])", RegexOptions.CultureInvariant);

    private static bool AcceptAll => Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true";

    /// <summary>Matches every source file of <paramref name="run"/> against <c>Snapshots/{TestClass}.{TestMethod}#*.verified.cs</c>.</summary>
    /// <param name="run">The generator run.</param>
    /// <param name="testFile">The test's source file, which names the test class.</param>
    /// <param name="testMethod">The test method.</param>
    /// <param name="hintNames">Only the files of these hint names, for a test that checks the others another way; every file when null.</param>
    public static void Match(GeneratorRun run, [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "", IReadOnlyCollection<string>? hintNames = null)
    {
        Assert.False(run.Sources.IsEmpty, "The generator produced no source to snapshot.");
        var directory = Path.Combine(Path.GetDirectoryName(testFile)!, Directory);
        var prefix = $"{Path.GetFileNameWithoutExtension(testFile)}.{testMethod}#";
        System.IO.Directory.CreateDirectory(directory);

        var failures = new List<string>();
        var produced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in run.Sources.Where(s => hintNames is null || hintNames.Contains(s.HintName)).OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            var name = prefix + Path.GetFileNameWithoutExtension(source.HintName);
            produced.Add(name);
            var received = Scrub($"//HintName: {source.HintName}\n{source.SourceText}");
            var verifiedPath = Path.Combine(directory, name + ".verified.cs");
            var receivedPath = Path.Combine(directory, name + ".received.cs");
            var verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
            if (verified == received)
            {
                File.Delete(receivedPath);
                continue;
            }
            if (AcceptAll)
            {
                File.WriteAllText(verifiedPath, received, Utf8);
                File.Delete(receivedPath);
                continue;
            }
            File.WriteAllText(receivedPath, received, Utf8);
            failures.Add(verified is null
                ? $"new:     {Relative(receivedPath)} (no verified snapshot yet)"
                : $"changed: {Relative(receivedPath)} ({FirstDifference(verified, received)})");
            failures.Add($"         accept with: mv {Quote(receivedPath)} {Quote(verifiedPath)}");
        }

        foreach (var stale in System.IO.Directory.EnumerateFiles(directory, prefix + "*.verified.cs").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(stale)[..^".verified.cs".Length];
            if (produced.Contains(name))
            {
                continue;
            }
            if (AcceptAll)
            {
                File.Delete(stale);
                continue;
            }
            failures.Add($"gone:    {Relative(stale)} (the generator no longer produces it)");
            failures.Add($"         accept with: rm {Quote(stale)}");
        }

        if (failures.Count > 0)
        {
            Assert.Fail(
                $"Generated source differs from the snapshots of {prefix.TrimEnd('#')}:\n{string.Join("\n", failures)}\n" +
                $"Review each received file against its verified file, then accept by renaming received to verified " +
                $"(or rerun with {AcceptVariable}=1 to accept all, and review git diff).");
        }
    }

    /// <summary>Replaces the generator's version with <c>%VERSION%</c> so a release does not touch every snapshot.</summary>
    public static string Scrub(string text) => VersionPattern.Replace(Normalize(text), "%VERSION%");

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private static string FirstDifference(string verified, string received)
    {
        var expected = verified.Split('\n');
        var actual = received.Split('\n');
        for (var i = 0; i < Math.Max(expected.Length, actual.Length); i++)
        {
            var e = i < expected.Length ? expected[i] : "<end of file>";
            var a = i < actual.Length ? actual[i] : "<end of file>";
            if (e != a)
            {
                return $"first difference at line {i + 1}:\n           verified: {e.Trim()}\n           received: {a.Trim()}";
            }
        }
        return "they differ only in line endings";
    }

    private static string Relative(string path) => Path.Combine(Directory, Path.GetFileName(path));

    private static string Quote(string path) => $"'{path.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
