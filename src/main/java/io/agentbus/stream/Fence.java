package io.agentbus.stream;

/**
 * A condition on an append: {@code stream}'s claimed writer ({@link StreamStore#claimWriter}) must
 * still be {@code writer}. Checked in the same statement as the append, so a writer that lost its
 * claim (a node frozen past its lease, then thawed) cannot add anything after the new one took over.
 */
public record Fence(String stream, String writer) {

  /** An append refused because its fence's stream is claimed by another writer now. */
  public static final class Lost extends RuntimeException {

    public final Fence fence;

    public Lost(Fence fence) {
      super(fence.stream() + " is written by another owner now", null, false, false);
      this.fence = fence;
    }
  }
}
