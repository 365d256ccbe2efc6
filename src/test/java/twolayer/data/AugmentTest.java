package twolayer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import twolayer.data.Augment.Choice;
import twolayer.model.Noise;

/** Tier 1: the flip and crop of one 3×32×32 record, and their draws, without Spark. */
class AugmentTest {
  final byte[] image = new byte[Augment.D];

  AugmentTest() {
    new Random(3).nextBytes(image);
  }

  byte[] apply(byte[] src, Choice c) {
    byte[] out = new byte[Augment.D];
    Augment.apply(src, 0, c, out);
    return out;
  }

  static int at(int plane, int y, int x) {
    return plane * Augment.PLANE + y * Augment.SIDE + x;
  }

  @Test
  void noChoiceIsTheImageAndFlippingTwiceIsToo() {
    assertArrayEquals(image, apply(image, Choice.NONE));
    Choice flip = new Choice(true, 0, 0);
    byte[] once = apply(image, flip);
    assertNotEquals(image[at(1, 4, 0)], 0, "the test pixel is not black");
    assertEquals(image[at(1, 4, 0)], once[at(1, 4, 31)], "a flip mirrors each row");
    assertArrayEquals(image, apply(once, flip));
  }

  @Test
  void aPixelLandsWhereTheOffsetSaysAndThePaddingIsBlack() {
    byte[] shifted = apply(image, new Choice(false, 2, -1)); // output (y, x) = input (y − 1, x + 2)
    assertEquals(image[at(2, 3, 5)], shifted[at(2, 4, 3)]);
    assertEquals(image[at(0, 30, 31)], shifted[at(0, 31, 29)]);
    for (int x = 0; x < 32; x++) {
      assertEquals(0, shifted[at(1, 0, x)], "row −1 is padding");
    }
    for (int y = 0; y < 32; y++) {
      assertEquals(0, shifted[at(2, y, 30)], "columns 32 and 33 are padding");
      assertEquals(0, shifted[at(2, y, 31)]);
    }
    // cropped, then mirrored: output (y, x) = input (y + dy, 31 − x + dx)
    byte[] both = apply(image, new Choice(true, -3, 4));
    assertEquals(image[at(0, 10, 31 - 7 - 3)], both[at(0, 6, 7)]);
    assertEquals(0, both[at(0, 6, 31)], "input column −3 is padding");
  }

  @Test
  void drawsDependOnTheSeedAloneAndSpreadOverTheRange() {
    assertEquals(Augment.draw(42, true, 4), Augment.draw(42, true, 4));
    Set<Choice> seen = new HashSet<>();
    int flips = 0;
    for (long s = 0; s < 2000; s++) {
      Choice c = Augment.draw(s, true, 2);
      assertTrue(Math.abs(c.dx()) <= 2 && Math.abs(c.dy()) <= 2, c.toString());
      seen.add(c);
      flips += c.flip() ? 1 : 0;
    }
    assertEquals(2 * 5 * 5, seen.size(), "every flip and offset occurs");
    assertTrue(Math.abs(flips - 1000) < 120, "flips about half the time: " + flips);
    assertEquals(Choice.NONE, Augment.draw(7, false, 0), "nothing asked, nothing changed");
    Choice off = Augment.draw(7, false, 3), on = Augment.draw(7, true, 3);
    assertEquals(off.dx(), on.dx(), "turning the flip on keeps the crops");
    assertEquals(off.dy(), on.dy());
  }

  @Test
  void differentRowsOfAnIterationGetDifferentChoices() {
    Noise noise = new Noise(true, 4, 0, 1, 0, 5, new long[] {0});
    Set<Choice> seen = new HashSet<>();
    for (int r = 0; r < 50; r++) {
      seen.add(Augment.draw(noise.rowSeed(0, r), true, 4));
    }
    assertTrue(seen.size() > 30, "50 rows, " + seen.size() + " distinct choices");
  }
}
