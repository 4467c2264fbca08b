#version 330 core
// video.vert: the video quad. Four vertices (a triangle strip, no vertex buffer: the corner comes from
// gl_VertexID) spanning u_rect, the letterboxed video rectangle in normalised device coordinates
// (x0, y0, x1, y1; y up). v_uv has v = 0 at the top row of the image.
uniform vec4 u_rect;
out vec2 v_uv;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));  // (0,0) (1,0) (0,1) (1,1)
  gl_Position = vec4(mix(u_rect.xy, u_rect.zw, corner), 0.0, 1.0);
  v_uv = vec2(corner.x, 1.0 - corner.y);
}
