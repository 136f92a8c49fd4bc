namespace Translate;

/// <summary>
/// Reports on the training thread itself. <see cref="Progress{T}"/> posts to the thread pool in a console
/// app, so its lines can arrive late and out of order.
/// </summary>
internal sealed class ImmediateProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
