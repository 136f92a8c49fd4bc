using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(StaticSeq2Seq.Benchmarks.DecodeAndTrainBenchmarks).Assembly).Run(args);
