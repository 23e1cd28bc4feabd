package io.agentbus.uploads;

import io.agentbus.support.TestFiles;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a file is comes from its bytes; what agents are told about it is bounded and never fails the upload. */
class ContentCheckAndProcessorTest {

  @TempDir
  Path dir;

  private Path write(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static ContentCheck.Verdict check(String name, byte[] bytes) {
    return ContentCheck.check(ContentCheck.extensionOf(name), bytes, Math.min(bytes.length, ContentCheck.HEAD_BYTES));
  }

  /** A PNG whose header claims {@code w × h} pixels, with almost no data: a decompression bomb's shape. */
  private static byte[] pngHeaderOnly(int w, int h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(out);
    d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream i = new DataOutputStream(ihdr);
    i.writeBytes("IHDR");
    i.writeInt(w);
    i.writeInt(h);
    i.write(new byte[] {8, 2, 0, 0, 0});
    byte[] chunk = ihdr.toByteArray();
    d.writeInt(13);
    d.write(chunk);
    CRC32 crc = new CRC32();
    crc.update(chunk);
    d.writeInt((int) crc.getValue());
    return out.toByteArray();
  }

  @Test
  void theBytesDecideNotTheName() throws IOException {
    byte[] png = TestFiles.png(3, 2);
    assertTrue(check("photo.png", png).matches());
    assertEquals("image/png", check("photo.png", png).contentType());
    ContentCheck.Verdict renamed = check("report.pdf", png);
    assertFalse(renamed.matches(), "a PNG renamed .pdf is refused");
    assertEquals("image/png", renamed.detected());
    assertTrue(check("report.pdf", TestFiles.pdf("hello")).matches());
    assertTrue(check("notes.md", "# Title\n\ntext".getBytes(StandardCharsets.UTF_8)).matches());
    assertTrue(check("data.json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)).matches());
    assertFalse(check("notes.txt", new byte[] {1, 0, 2, 0, 3}).matches(), "binary bytes named .txt are refused");
    assertFalse(check("notes.txt", TestFiles.pdf("x")).matches(), "a PDF named .txt is refused");
  }

  @Test
  void namesAreDataOnly() {
    assertEquals("pdf", ContentCheck.extensionOf("../../etc/passwd.PDF"));
    assertEquals("", ContentCheck.extensionOf("..\\..\\evil"));
    assertEquals("", ContentCheck.extensionOf(".bashrc"));
    assertEquals("", ContentCheck.extensionOf("trailing."));
    assertEquals("txt", ContentCheck.extensionOf("x".repeat(1000) + ".txt"));
    assertFalse(ContentCheck.allowed("exe", java.util.Set.of("txt", "exe")), "only kinds the checker knows");
  }

  @Test
  void textCodeCsvAndJsonArePreviewedAndCounted() throws IOException {
    JsonObject py = Processor.process(write("a.py", "import os\nprint(1)\n".getBytes()), "py", Processor.Limits.DEFAULT)
        .processedContent();
    assertEquals("text", py.getString("type"));
    assertEquals(2, py.getLong("lines"));
    assertEquals("python", py.getString("language"));
    JsonObject csv = Processor.process(write("a.csv", "name,age\nann,3\nbob,4\n".getBytes()), "csv",
        Processor.Limits.DEFAULT).processedContent();
    assertEquals(new JsonArray().add("name").add("age"), csv.getJsonArray("columns"));
    assertEquals(2, csv.getLong("rows"));
    JsonObject json = Processor.process(write("a.json", "{\"b\":1,\"a\":[2]}".getBytes()), "json",
        Processor.Limits.DEFAULT).processedContent();
    assertTrue(json.getBoolean("valid"));
    assertEquals(new JsonArray().add("a").add("b"), json.getJsonArray("topLevelKeys"));
    JsonObject bad = Processor.process(write("b.json", "{nope".getBytes()), "json", Processor.Limits.DEFAULT)
        .processedContent();
    assertFalse(bad.getBoolean("valid"));
    String big = "x".repeat(2000);
    assertEquals(Processor.PREVIEW, Processor.process(write("big.txt", big.getBytes()), "txt", Processor.Limits.DEFAULT)
        .processedContent().getString("preview").length());
  }

  @Test
  void aPdfGivesItsPagesAndTextBoundedByThePageLimit() throws IOException {
    Path f = write("doc.pdf", TestFiles.pdf("first page words", "second page words", "third page words"));
    Processor.Result r = Processor.process(f, "pdf", new Processor.Limits(1 << 20, 2, 1_000_000));
    assertEquals("pdf", r.processedContent().getString("type"));
    assertEquals(3, r.processedContent().getInteger("pages"));
    assertTrue(r.text().contains("first page words") && r.text().contains("second page words"), r.text());
    assertFalse(r.text().contains("third page words"), "text is read from at most maxPdfPages pages");
  }

  @Test
  void aBrokenFileIsAnErrorNotAFailure() throws IOException {
    byte[] broken = TestFiles.pdf("x");
    Path f = write("broken.pdf", java.util.Arrays.copyOf(broken, 40));
    JsonObject c = Processor.process(f, "pdf", Processor.Limits.DEFAULT).processedContent();
    assertEquals("error", c.getString("type"));
    assertFalse(c.getString("message").isBlank());
  }

  @Test
  void imagesGiveFormatAndSizeFromTheirHeaderAndABombIsRefusedUndecoded() throws IOException {
    JsonObject ok = Processor.process(write("a.png", TestFiles.png(40, 30)), "png", Processor.Limits.DEFAULT).processedContent();
    assertEquals("image", ok.getString("type"));
    assertEquals("png", ok.getString("format"));
    assertEquals(40, ok.getInteger("width"));
    assertEquals(30, ok.getInteger("height"));
    JsonObject bomb = Processor.process(write("bomb.png", pngHeaderOnly(100_000, 100_000)), "png",
        Processor.Limits.DEFAULT).processedContent();
    assertEquals("error", bomb.getString("type"), bomb.encode());
    assertTrue(bomb.getString("message").contains("pixels"), bomb.encode());
  }
}
