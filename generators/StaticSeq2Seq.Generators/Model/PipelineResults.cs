namespace StaticSeq2Seq.Generators.Model;

/// <summary>The parse step's output: the spec, or the message of a generator bug met while reading it.</summary>
internal sealed record ParsedModel(string ClassName, ModelSpec? Spec, string? InternalError);

/// <summary>The plan step's output: a plan for a valid spec, null for an invalid one, or the message of a generator bug.</summary>
internal sealed record PlannedModel(string ClassName, ModelPlan? Plan, string? InternalError);
