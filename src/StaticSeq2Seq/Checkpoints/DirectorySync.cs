using System;
using System.IO;
using System.Runtime.InteropServices;

namespace StaticSeq2Seq.Checkpoints;

/// <summary>
/// Makes a rename durable. On Unix a rename changes the folder, not the file, and only an fsync of the folder
/// itself writes that change to disk: without it a power loss after a save can bring back the folder as it was,
/// with the old checkpoint or none. .NET has no API for a folder's fsync, so this calls <c>open</c>, <c>fsync</c> and
/// <c>close</c> from the C library (source-generated marshalling, so it also works under NativeAOT). On Windows,
/// <see cref="File.Move(string, string, bool)"/> is <c>MoveFileEx</c>, whose metadata change NTFS journals, and
/// nothing more is needed.
/// </summary>
internal static partial class DirectorySync
{
    private const string CLibrary = "libc";

    // O_RDONLY is 0 on Linux and macOS alike; a folder can be opened read-only and fsynced.
    private const int ReadOnly = 0;

    // EINVAL: the file system cannot sync a folder (some FUSE and network file systems); there is nothing more to do.
    private const int InvalidArgument = 22;

    /// <summary>Writes <paramref name="folder"/>'s entries (a rename into it) to disk; does nothing on Windows.</summary>
    /// <exception cref="IOException">The folder could not be opened or synced; the message has the OS error number.</exception>
    public static void Flush(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var descriptor = Open(folder, ReadOnly);
        if (descriptor < 0)
        {
            throw Failure("open", folder);
        }
        try
        {
            if (Fsync(descriptor) != 0 && Marshal.GetLastPInvokeError() != InvalidArgument)
            {
                throw Failure("fsync", folder);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static IOException Failure(string call, string folder) => new(
        $"The checkpoint was renamed into '{folder}', but {call} of that folder failed with errno {Marshal.GetLastPInvokeError()}, " +
        "so the rename may not survive a power loss; check the disk and save again.");

    [LibraryImport(CLibrary, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport(CLibrary, EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport(CLibrary, EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
