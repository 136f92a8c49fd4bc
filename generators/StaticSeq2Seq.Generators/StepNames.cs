namespace StaticSeq2Seq.Generators;

/// <summary>Tracking names of the generator's pipeline steps, shared with the incrementality tests.</summary>
internal static class StepNames
{
    public const string ParseSpec = nameof(ParseSpec);
    public const string BuildPlan = nameof(BuildPlan);
}
