#version 330 core
// video.frag: samples the camera/video texture (uploaded as BGR, stored as RGB by the driver).
// u_mirror != 0 flips u: the picture becomes a mirror image (selfie view). Only the picture flips; the
// window's overlays are drawn with the same mapping and keep the person's sides.
// u_dim scales the colour (1 = as recorded; lower while the source has stopped).
in vec2 v_uv;
uniform sampler2D u_video;
uniform int u_mirror;
uniform float u_dim;
out vec4 frag_colour;

void main() {
  vec2 uv = v_uv;
  if (u_mirror != 0) uv.x = 1.0 - uv.x;
  vec3 c = texture(u_video, uv).rgb;
  frag_colour = vec4(c * u_dim, 1.0);
}
