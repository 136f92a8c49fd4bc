using System.IO.Compression;

namespace StaticSeq2Seq.PackageTests;

/// <summary>
/// Packs src/StaticSeq2Seq once for all tests of a class: into a fresh temporary folder, with its own build
/// output (so the repository's bin and obj are left alone) and a version no earlier run used (so the global
/// package cache cannot serve a stale copy).
/// </summary>
public sealed class PackedPackage : IDisposable
{
    public PackedPackage()
    {
        RepositoryRoot = FindRepositoryRoot();
        var id = Guid.NewGuid().ToString("N");
        Version = $"0.1.0-test{id}";
        WorkRoot = Path.Combine(Path.GetTempPath(), $"staticseq2seq-package-{id}");
        FeedDirectory = Path.Combine(WorkRoot, "feed");
        Directory.CreateDirectory(FeedDirectory);

        var project = Path.Combine(RepositoryRoot, "src", "StaticSeq2Seq", "StaticSeq2Seq.csproj");
        var arguments =
            $"pack \"{project}\" -c Release -o \"{FeedDirectory}\" --artifacts-path \"{Path.Combine(WorkRoot, "artifacts")}\" " +
            $"-p:PackageVersion={Version} -nodeReuse:false";
        PackResult = DotNetCli.Run(arguments, RepositoryRoot, TimeSpan.FromMinutes(3));
        PackDescription = PackResult.Describe(arguments);
        PackagePath = Path.Combine(FeedDirectory, $"StaticSeq2Seq.{Version}.nupkg");
    }

    public string RepositoryRoot { get; }

    /// <summary>The package version of this run, <c>0.1.0-test</c> and a fresh GUID.</summary>
    public string Version { get; }

    /// <summary>The temporary folder everything of this run lives in.</summary>
    public string WorkRoot { get; }

    /// <summary>The local package source holding the package.</summary>
    public string FeedDirectory { get; }

    public string PackagePath { get; }

    internal DotNetCli.Result PackResult { get; }

    /// <summary>The pack command and everything it printed.</summary>
    public string PackDescription { get; }

    /// <summary>Fails the calling test, with the pack output, when pack did not make the package.</summary>
    public void AssertPacked()
    {
        Assert.True(PackResult.ExitCode == 0, PackDescription);
        Assert.True(File.Exists(PackagePath), $"{PackagePath} was not written.\n{PackDescription}");
    }

    /// <summary>The paths of the entries of the .nupkg, with forward slashes.</summary>
    public IReadOnlyList<string> ReadEntryPaths()
    {
        using var zip = ZipFile.OpenRead(PackagePath);
        return zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The text of one entry of the .nupkg.</summary>
    public string ReadEntryText(string path)
    {
        using var zip = ZipFile.OpenRead(PackagePath);
        var entry = zip.GetEntry(path) ?? throw new InvalidOperationException($"{path} is not in {PackagePath}.");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    public void Dispose()
    {
        TryDelete(WorkRoot);
        // The consumer's restore extracted this run's one-off version into the global package cache.
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var packageFolder = Path.Combine(globalPackages, "staticseq2seq");
        TryDelete(Path.Combine(packageFolder, Version));
        if (Directory.Exists(packageFolder) && !Directory.EnumerateFileSystemEntries(packageFolder).Any())
        {
            TryDelete(packageFolder);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test run for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StaticSeq2Seq.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No StaticSeq2Seq.sln above {AppContext.BaseDirectory}.");
    }
}
