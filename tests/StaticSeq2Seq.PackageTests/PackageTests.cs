using System.Xml.Linq;
using Xunit.Abstractions;

namespace StaticSeq2Seq.PackageTests;

/// <summary>
/// The NuGet package as a user gets it: what `dotnet pack src/StaticSeq2Seq` puts in the .nupkg, and a fresh
/// console project that references it from a local folder source, declares a model, trains and decodes it.
/// </summary>
public sealed class PackageTests(PackedPackage package, ITestOutputHelper log) : IClassFixture<PackedPackage>
{
    private const string GeneratorEntry = "analyzers/dotnet/cs/StaticSeq2Seq.Generators.dll";

    [Fact]
    public void The_package_holds_the_runtime_in_lib_and_the_generator_only_as_a_csharp_analyzer()
    {
        package.AssertPacked();
        var entries = package.ReadEntryPaths();
        var listing = string.Join("\n", entries);

        Assert.True(entries.Contains("lib/net10.0/StaticSeq2Seq.dll"), $"no runtime in lib/net10.0:\n{listing}");
        Assert.True(entries.Contains(GeneratorEntry), $"no generator in analyzers/dotnet/cs:\n{listing}");
        Assert.True(entries.Contains("README.md"), $"no README.md:\n{listing}");
        var misplaced = entries.Where(e => e.Contains("StaticSeq2Seq.Generators", StringComparison.OrdinalIgnoreCase) && e != GeneratorEntry).ToArray();
        Assert.True(misplaced.Length == 0, $"the generator also appears outside analyzers/dotnet/cs:\n{listing}");
        var libraries = entries.Where(e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith(".dll", StringComparison.Ordinal)).ToArray();
        Assert.True(libraries is ["lib/net10.0/StaticSeq2Seq.dll"], $"lib/ should hold only the runtime:\n{listing}");
    }

    [Fact]
    public void The_nuspec_depends_on_System_Numerics_Tensors_and_not_on_Roslyn_or_the_generator()
    {
        package.AssertPacked();
        var nuspec = XDocument.Parse(package.ReadEntryText("StaticSeq2Seq.nuspec"));
        var ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToArray();
        var text = nuspec.ToString();

        Assert.Equal("StaticSeq2Seq", (string?)metadata.Element(ns + "id"));
        Assert.Equal(package.Version, (string?)metadata.Element(ns + "version"));
        Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        Assert.True(dependencies.Contains("System.Numerics.Tensors"), text);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Microsoft.CodeAnalysis", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(dependencies, d => d.StartsWith("StaticSeq2Seq", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_fresh_console_project_referencing_the_package_generates_trains_and_decodes_a_model()
    {
        package.AssertPacked();
        var consumer = Path.Combine(package.WorkRoot, "consumer");
        WriteConsumer(consumer);

        var build = "build -c Release -nodeReuse:false";
        var built = DotNetCli.Run(build, consumer, TimeSpan.FromMinutes(3));
        Assert.True(built.ExitCode == 0, built.Describe(build));

        // Restored from the local folder at this run's version, and Roslyn did not come along.
        var assets = File.ReadAllText(Path.Combine(consumer, "obj", "project.assets.json"));
        Assert.Contains($"\"StaticSeq2Seq/{package.Version}\"", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.CodeAnalysis", assets, StringComparison.Ordinal);

        var run = "run -c Release --no-build";
        var ran = DotNetCli.Run(run, consumer, TimeSpan.FromMinutes(2));
        var description = ran.Describe(run);
        log.WriteLine($"pack {package.PackResult.Elapsed.TotalSeconds:F1} s, consumer build {built.Elapsed.TotalSeconds:F1} s, run {ran.Elapsed.TotalSeconds:F1} s");
        log.WriteLine(ran.Output);
        Assert.True(ran.ExitCode == 0, description);
        Assert.Contains("parameters: ", ran.Output, StringComparison.Ordinal);
        Assert.Contains("decode 4 5 6 7 -> 7 6 5 4", ran.Output, StringComparison.Ordinal);
        Assert.Contains("decode 8 9 10 11 12 -> 12 11 10 9 8", ran.Output, StringComparison.Ordinal);
        Assert.Contains("loss went down", ran.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A console project outside the repository: its own nuget.config adds the local folder to the machine's
    /// sources (System.Numerics.Tensors still comes from those), and an empty Directory.Build.props and
    /// Directory.Build.targets keep any file above the temporary folder out of the build.
    /// </summary>
    private void WriteConsumer(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="staticseq2seq-local" value="{package.FeedDirectory}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <!-- Also turns CS8785 (a generator that failed or did not load) into an error. -->
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- Vulnerability data needs the network, which this test does not otherwise rely on. -->
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="StaticSeq2Seq" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Reverser.cs"), """
            using StaticSeq2Seq;

            namespace Consumer;

            [Seq2SeqModel(SourceVocabularySize = 16, TargetVocabularySize = 16,
                          EmbeddingSize = 16, HiddenSize = 32, Layers = 1,
                          Cell = RecurrentCell.Gru,
                          MaxSourceLength = 8, MaxTargetLength = 8)]
            public partial class Reverser;
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using Consumer;
            using StaticSeq2Seq.Data;
            using StaticSeq2Seq.Optimization;
            using StaticSeq2Seq.Training;

            var model = new Reverser();
            model.InitializeParameters(seed: 1);
            Console.WriteLine($"parameters: {Reverser.ParameterCount}");

            // Two pairs to reverse, learnt by heart.
            SequencePair[] pairs = [new([4, 5, 6, 7], [7, 6, 5, 4]), new([8, 9, 10, 11, 12], [12, 11, 10, 9, 8])];
            var trainer = new Seq2SeqTrainer(model, new TrainingOptions
            {
                Seed = 3,
                ClipNorm = 5f,
                CreateOptimizer = count => new Adam(count, learningRate: 1e-2f),
            });
            var first = trainer.TrainStep(pairs);
            var last = first;
            for (var step = 1; step < 300; step++)
            {
                last = trainer.TrainStep(pairs);
            }
            Console.WriteLine($"loss {first:F4} -> {last:F4}");
            if (last < first)
            {
                Console.WriteLine("loss went down");
            }

            var output = new int[Reverser.MaxTargetLength];
            foreach (var pair in pairs)
            {
                var length = model.DecodeGreedy(trainer.Workspace, pair.Source, output);
                Console.WriteLine($"decode {string.Join(' ', pair.Source)} -> {string.Join(' ', output[..length])}");
            }
            """);
    }
}
