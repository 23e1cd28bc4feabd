package io.agentbus.uploads;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * What agents are told about an uploaded file (seed 000's processing, PROTOCOL §8
 * {@code processedContent}), and its text: blocking work — call it from a worker, never an event
 * loop. Every reader is bounded: text is read to {@link Limits#maxTextBytes}, a PDF's text from at
 * most {@link Limits#maxPdfPages} pages, an image only as far as its header (its pixels are never
 * decoded, so a decompression bomb costs nothing) and refused past {@link Limits#maxImagePixels}.
 * A file that cannot be read is {@code {type:"error", message}}: it is still stored.
 */
public final class Processor {

  /** Bounds on the work done for one file. */
  public record Limits(int maxTextBytes, int maxPdfPages, long maxImagePixels) {
    public static final Limits DEFAULT = new Limits(1 << 20, 200, 100_000_000L);
  }

  /** The file's processed content and its extracted text (null when it has none). */
  public record Result(JsonObject processedContent, String text) {}

  static final int PREVIEW = 500;
  private static final Map<String, String> LANGUAGE = Map.of("py", "python", "js", "javascript", "yaml", "yaml",
      "yml", "yaml", "md", "markdown");

  private Processor() {}

  /** Processes {@code file}, an upload of extension {@code extension} whose bytes passed {@link ContentCheck}. */
  public static Result process(Path file, String extension, Limits limits) {
    try {
      return switch (extension) {
        case "txt", "md", "py", "js", "yaml", "yml" -> text(file, extension, limits);
        case "csv" -> csv(file, limits);
        case "json" -> json(file, limits);
        case "pdf" -> pdf(file, limits);
        case "png", "jpg", "jpeg", "gif" -> image(file, limits);
        default -> new Result(new JsonObject().put("type", "binary").put("size", Files.size(file)), null);
      };
    } catch (IOException | RuntimeException e) {
      return error("could not read the file: " + e.getMessage());
    }
  }

  private static Result error(String message) {
    return new Result(new JsonObject().put("type", "error").put("message", message), null);
  }

  private static String readText(Path file, Limits limits) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(limits.maxTextBytes());
    }
    // Decoded straight into a string (malformed bytes become U+FFFD): no second copy of the text.
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static Result text(Path file, String extension, Limits limits) throws IOException {
    String t = readText(file, limits);
    JsonObject c = new JsonObject().put("type", "text").put("preview", preview(t)).put("lines", lines(t));
    if (LANGUAGE.containsKey(extension)) {
      c.put("language", LANGUAGE.get(extension));
    }
    return new Result(c, t);
  }

  private static Result csv(Path file, Limits limits) throws IOException {
    String t = readText(file, limits);
    String[] rows = t.split("\r?\n");
    JsonArray columns = new JsonArray();
    if (rows.length > 0 && !rows[0].isBlank()) {
      for (String col : rows[0].split(",", -1)) {
        columns.add(col.trim().replaceAll("^\"|\"$", ""));
      }
    }
    long dataRows = java.util.Arrays.stream(rows).skip(1).filter(r -> !r.isBlank()).count();
    return new Result(new JsonObject().put("type", "csv").put("columns", columns).put("rows", dataRows)
        .put("preview", preview(t)), t);
  }

  private static Result json(Path file, Limits limits) throws IOException {
    String t = readText(file, limits);
    JsonObject c = new JsonObject().put("type", "json").put("preview", preview(t));
    try {
      Object v = io.vertx.core.json.Json.decodeValue(t);
      c.put("valid", true).put("topLevelKeys", v instanceof JsonObject o ? new JsonArray(o.fieldNames().stream().sorted().toList())
          : new JsonArray());
    } catch (DecodeException e) {
      c.put("valid", false).put("message", "not valid JSON");
    }
    return new Result(c, t);
  }

  private static Result pdf(Path file, Limits limits) throws IOException {
    try (PDDocument doc = Loader.loadPDF(new RandomAccessReadBufferedFile(file.toFile()))) {
      int pages = doc.getNumberOfPages();
      PDFTextStripper stripper = new PDFTextStripper();
      stripper.setStartPage(1);
      stripper.setEndPage(Math.min(pages, limits.maxPdfPages()));
      String t = stripper.getText(doc);
      if (t.length() > limits.maxTextBytes()) {
        t = t.substring(0, limits.maxTextBytes());
      }
      return new Result(new JsonObject().put("type", "pdf").put("pages", pages).put("preview", preview(t.strip()))
          .put("textPages", Math.min(pages, limits.maxPdfPages())), t);
    } catch (IOException e) {
      return error("not a readable PDF: " + e.getMessage());
    }
  }

  private static Result image(Path file, Limits limits) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return error("not a readable image");
      }
      ImageReader r = readers.next();
      try {
        r.setInput(in, true, true);
        int w = r.getWidth(0);
        int h = r.getHeight(0);
        if ((long) w * h > limits.maxImagePixels()) {
          return error("the image is " + w + " × " + h + " pixels, more than " + limits.maxImagePixels() + " allowed");
        }
        return new Result(new JsonObject().put("type", "image").put("format", r.getFormatName().toLowerCase())
            .put("width", w).put("height", h), null);
      } finally {
        r.dispose();
      }
    } catch (IOException e) {
      return error("not a readable image: " + e.getMessage());
    }
  }

  static String preview(String t) {
    return t.length() <= PREVIEW ? t : t.substring(0, PREVIEW);
  }

  private static long lines(String t) {
    if (t.isEmpty()) {
      return 0;
    }
    return t.lines().count();
  }
}
