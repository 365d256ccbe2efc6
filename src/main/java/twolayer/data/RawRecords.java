package twolayer.data;

/** Bytes of n fixed-length records as read from disk, or the one-line reason they could not be read. */
public record RawRecords(byte[] bytes, int n, String error) {}
