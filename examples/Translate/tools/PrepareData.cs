#:project ../../../src/StaticSeq2Seq/StaticSeq2Seq.csproj

// Makes examples/Translate/data/eng-fra.filtered.tsv from the tutorial's eng-fra.txt: every pair normalised
// and filtered exactly as the PyTorch tutorial "Translation with a Sequence to Sequence Network and
// Attention" does (TutorialNormalizer, TutorialFilter), English first, one "english TAB french" line per pair.
//
// From the repository root:
//   dotnet run examples/Translate/tools/PrepareData.cs -- /work/shared/data/eng-fra.txt examples/Translate/data/eng-fra.filtered.tsv
//
// eng-fra.txt is the Tatoeba pair list (English TAB French, one pair per line); any file of that shape works.

using System;
using System.IO;
using StaticSeq2Seq.Text;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run examples/Translate/tools/PrepareData.cs -- <eng-fra.txt> <output.tsv>");
    return 2;
}

var (input, output) = (args[0], args[1]);
try
{
    var raw = ParallelCorpus.ReadTsv(input);
    var kept = TutorialFilter.NormalizeAndFilter(raw);
    ParallelCorpus.WriteTsv(output, kept);
    Console.WriteLine($"Read {raw.Count} sentence pairs from {input}");
    Console.WriteLine($"Kept {kept.Count} pairs (both sides under {TutorialFilter.MaxLength} words, English starting with an eng_prefix)");
    Console.WriteLine($"Wrote {Path.GetFullPath(output)}");
    return 0;
}
catch (Exception exception) when (exception is IOException or CorpusFormatException or UnauthorizedAccessException)
{
    Console.Error.WriteLine(exception.Message);
    return 1;
}
