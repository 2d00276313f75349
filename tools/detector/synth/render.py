"""Render one part at a time off-screen (Open3D legacy Visualizer) into RGBA sprites.

A sprite is the part alone: colour, an exact alpha mask from the depth buffer, and its box
from projecting the mesh vertices with the same pinhole camera (the extreme projected vertices
bound the silhouette exactly).  Scenes are then composed in 2D from many sprites, which is
what makes thousands of images affordable on two CPU cores.  One GL context: create, use and
close a renderer on one thread.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile

import numpy as np

from desktop_app.vision.errors import VisionError

log = logging.getLogger(__name__)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def axis_rotation(axis: np.ndarray, angle: float) -> np.ndarray:
    axis = axis / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rotation: np.ndarray = np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)
    return rotation


class SpriteRenderer:
    """Renders unit-normalised meshes centred at the origin, seen from +z."""

    DISTANCE = 6.0  # camera distance in bounding-sphere radii: mild perspective

    def __init__(self, size: int = 256) -> None:
        import open3d as o3d

        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            raise VisionError("Rendering training images needs an X display (run under xvfb-run).")
        self._o3d = o3d
        self.size = int(size)
        self._vis = o3d.visualization.Visualizer()
        if not self._vis.create_window(window_name="vision-synth", width=self.size, height=self.size, visible=False):
            raise VisionError("Could not create an OpenGL context for rendering training images.")
        opt = self._vis.get_render_option()
        opt.background_color = np.zeros(3)
        opt.mesh_show_back_face = True
        self._tmp = tempfile.TemporaryDirectory()
        self._options_path = os.path.join(self._tmp.name, "render_option.json")
        opt.save_to_json(self._options_path)
        with open(self._options_path, encoding="utf-8") as fh:
            self._base_options = json.load(fh)
        self.focal = 0.46 * self.size * (self.DISTANCE - 1.0)

    def set_lights(self, rng: np.random.Generator) -> None:
        """A random key/fill/rim light rig; positions are multiples of the scene size."""
        settings = dict(self._base_options)
        settings.update({"light_on": True, "background_color": [0.0, 0.0, 0.0], "mesh_show_back_face": True,
                         "light_ambient_color": [float(rng.uniform(0.15, 0.4))] * 3})
        for i in range(4):
            pos = rng.uniform(-2.0, 2.0, size=3)
            pos[2] = abs(pos[2]) + 0.5
            settings.update({f"light{i}_position": pos.tolist(),
                             f"light{i}_diffuse_power": float(rng.uniform(0.1, 0.6) if i < 2 else rng.uniform(0.0, 0.3)),
                             f"light{i}_specular_power": float(rng.uniform(0.0, 0.5)),
                             f"light{i}_specular_shininess": float(rng.uniform(20.0, 120.0))})
        with open(self._options_path, "w", encoding="utf-8") as fh:
            json.dump(settings, fh)
        self._vis.get_render_option().load_from_json(self._options_path)

    def _camera(self) -> None:
        o3d = self._o3d
        params = o3d.camera.PinholeCameraParameters()
        c = self.size / 2 - 0.5
        params.intrinsic = o3d.camera.PinholeCameraIntrinsic(self.size, self.size, self.focal, self.focal, c, c)
        params.extrinsic = np.array([[1, 0, 0, 0], [0, -1, 0, 0], [0, 0, -1, self.DISTANCE], [0, 0, 0, 1]], dtype=float)
        ctr = self._vis.get_view_control()
        ctr.set_constant_z_near(0.1)
        ctr.set_constant_z_far(100.0)
        ctr.convert_from_pinhole_camera_parameters(params, allow_arbitrary=True)

    def project(self, points: np.ndarray) -> np.ndarray:
        """Pixel (x, y) of world points: camera at (0, 0, DISTANCE) looking down -z, y down."""
        c = self.size / 2 - 0.5
        depth = self.DISTANCE - points[:, 2]
        return np.stack([self.focal * points[:, 0] / depth + c, self.focal * -points[:, 1] / depth + c], axis=1)

    def render(self, vertices: np.ndarray, triangles: np.ndarray, colors: np.ndarray,
               rotation: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """RGB (uint8), mask (bool) and exact box (x1, y1, x2, y2) of a mesh turned by ``rotation``.

        ``vertices`` are normalised by the caller (centred, bounding radius 1); ``colors`` per vertex.
        """
        o3d = self._o3d
        world = vertices @ rotation.T
        # flat shading: unshared vertices so each triangle carries its own normal
        v = world[triangles.reshape(-1)]
        mesh = o3d.geometry.TriangleMesh()
        mesh.vertices = o3d.utility.Vector3dVector(v)
        mesh.triangles = o3d.utility.Vector3iVector(np.arange(len(v), dtype=np.int32).reshape(-1, 3))
        mesh.vertex_colors = o3d.utility.Vector3dVector(np.clip(colors[triangles.reshape(-1)], 0, 1))
        mesh.compute_triangle_normals()
        mesh.vertex_normals = o3d.utility.Vector3dVector(np.repeat(np.asarray(mesh.triangle_normals), 3, axis=0))
        self._vis.clear_geometries()
        self._vis.add_geometry(mesh, reset_bounding_box=True)
        self._camera()
        rgb = (np.asarray(self._vis.capture_screen_float_buffer(do_render=True)) * 255.0 + 0.5).astype(np.uint8)
        depth = np.asarray(self._vis.capture_depth_float_buffer(do_render=True))
        xy = self.project(v)  # only vertices of drawn triangles bound the silhouette
        box = np.array([xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()]) + 0.5  # pixel-edge coordinates
        return rgb, depth > 0, box

    def close(self) -> None:
        self._vis.destroy_window()
        self._tmp.cleanup()

    def __enter__(self) -> SpriteRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
