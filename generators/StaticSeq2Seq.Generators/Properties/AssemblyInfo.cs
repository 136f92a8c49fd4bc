[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("StaticSeq2Seq.Generators.Tests")]
