using Xunit;

namespace StaticSeq2Seq.Tests.Lstm;

/// <summary>After warm-up, the LSTM's training step and greedy decode allocate nothing on the managed heap.</summary>
public sealed class LstmAllocationTests
{
    public static TheoryData<string> Models => LstmModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_forward_and_backward_allocate_nothing(string modelName)
    {
        var model = LstmModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var gradients = new float[model.Layout.ParameterCount];
        int[] source = [4, 5, 6, 7, 8, 9], target = [10, 11, 12, 4, 5];
        for (var i = 0; i < 50; i++)
        {
            model.Forward(workspace, source, target);
            model.Backward(workspace, gradients, 1f);
        }

        // GetAllocatedBytesForCurrentThread counts every managed allocation of this thread exactly, whatever the GC does.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            model.Forward(workspace, source, target);
            model.Backward(workspace, gradients, 1f);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Warm_greedy_decode_allocates_nothing(string modelName)
    {
        var model = LstmModels.Create(modelName, seed: 1);
        var workspace = model.CreateWorkspace();
        var output = new int[model.Shape.MaxTargetLength];
        int[] source = [4, 5, 6, 7, 8, 9];
        for (var i = 0; i < 50; i++)
        {
            model.DecodeGreedy(workspace, source, output);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            model.DecodeGreedy(workspace, source, output);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
