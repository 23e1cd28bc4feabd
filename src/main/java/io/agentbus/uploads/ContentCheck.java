package io.agentbus.uploads;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.tika.detect.Detector;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

/**
 * Whether a file is what its name claims, decided from its bytes (PROTOCOL §8: a mismatch is 415).
 * The type comes from Tika's core magic-byte detector, given no name, so a PNG renamed
 * {@code .pdf} is a PNG. Each allowed extension accepts the types its files really have: text
 * kinds any text (magic cannot tell JSON from Markdown, and need not), binary kinds their own
 * container. The detector only reads the first bytes it needs; callers hand it the file's head.
 */
public final class ContentCheck {

  /** The extensions accepted, in a stable order (the UI's file picker offers exactly these). */
  public static java.util.List<String> extensions() {
    return SERVED_AS.keySet().stream().sorted().toList();
  }

  /** Bytes of a file's head the detector may look at. */
  public static final int HEAD_BYTES = 64 * 1024;

  private static final Set<String> TEXT = Set.of("txt", "md", "py", "js", "json", "yaml", "yml", "csv");
  /** What each binary extension's bytes must be (OOXML and OLE2 are containers to the core detector). */
  private static final Map<String, Set<String>> BINARY = Map.of(
      "pdf", Set.of("application/pdf"),
      "png", Set.of("image/png"),
      "jpg", Set.of("image/jpeg"),
      "jpeg", Set.of("image/jpeg"),
      "gif", Set.of("image/gif"),
      "docx", Set.of("application/zip", "application/x-tika-ooxml",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
      "doc", Set.of("application/x-tika-msoffice", "application/msword"));
  /** The content type a file of each extension is served as. */
  private static final Map<String, String> SERVED_AS = Map.ofEntries(
      Map.entry("txt", "text/plain"), Map.entry("md", "text/markdown"), Map.entry("py", "text/x-python"),
      Map.entry("js", "text/javascript"), Map.entry("json", "application/json"), Map.entry("yaml", "application/yaml"),
      Map.entry("yml", "application/yaml"), Map.entry("csv", "text/csv"), Map.entry("pdf", "application/pdf"),
      Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("doc", "application/msword"),
      Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"));

  private static final Detector DETECTOR = MimeTypes.getDefaultMimeTypes();

  /** The outcome: the extension (lower case), the detected type and the type the file is served as. */
  public record Verdict(String extension, String detected, String contentType, boolean matches) {}

  private ContentCheck() {}

  /** The extension of a client's file name, lower case, or "" (names are data: nothing else is read from them). */
  public static String extensionOf(String name) {
    if (name == null) {
      return "";
    }
    int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    String base = name.substring(slash + 1);
    int dot = base.lastIndexOf('.');
    return dot <= 0 || dot == base.length() - 1 ? "" : base.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** Whether an extension is on {@code allowed} and known here. */
  public static boolean allowed(String extension, Set<String> allowed) {
    return allowed.contains(extension) && SERVED_AS.containsKey(extension);
  }

  /** Checks a file's head (its first bytes, up to {@link #HEAD_BYTES}) against its extension. */
  public static Verdict check(String extension, byte[] head, int length) {
    String detected;
    try (InputStream in = new ByteArrayInputStream(head, 0, length)) {
      MediaType t = DETECTOR.detect(in, new Metadata()); // no name: the bytes decide
      detected = t.getBaseType().toString();
    } catch (IOException e) {
      detected = MediaType.OCTET_STREAM.toString();
    }
    boolean matches;
    if (TEXT.contains(extension)) {
      matches = (detected.startsWith("text/") || detected.equals("application/json")) && !hasNul(head, length);
    } else {
      matches = BINARY.getOrDefault(extension, Set.of()).contains(detected);
    }
    return new Verdict(extension, detected, SERVED_AS.getOrDefault(extension, "application/octet-stream"), matches);
  }

  /** Text has no NUL bytes; the detector calls short binary text/plain when it has no magic for it. */
  private static boolean hasNul(byte[] b, int n) {
    for (int i = 0; i < n; i++) {
      if (b[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
